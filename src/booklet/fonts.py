"""The type families in fonts/: every character the text uses must be in them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from struct import error as struct_error

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont, TTLibError

from .errors import Problems
from .fields import Located

FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
DESCRIPTOR = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")


@dataclass(frozen=True)
class Face:
    """One @font-face rule: the family, the file it loads, its weight and style."""

    family: str
    path: Path
    weight: str = "400"
    style: str = "normal"


def declared_faces(css_file: Path) -> list[Face]:
    """The stylesheet's @font-face rules, their files resolved against the stylesheet."""
    faces = []
    for rule in FONT_FACE.findall(css_file.read_text(encoding="utf-8")):
        found = {name: value.strip() for name, value in DESCRIPTOR.findall(rule)}
        url = re.fullmatch(r"url\(([^)]+)\)", found.get("src", ""))
        if "font-family" in found and url:
            path = (css_file.parent / url[1].strip("'\" ")).resolve()
            faces.append(Face(found["font-family"].strip("'\""), path, found.get("font-weight", "400"),
                              found.get("font-style", "normal")))
    return faces


def declared_families(css_file: Path) -> set[str]:
    """Family names of the stylesheet's @font-face rules: the only fonts a PDF may hold."""
    return {face.family for face in declared_faces(css_file)}


def declared_fonts(css_file: Path) -> list[Path]:
    """The font files a stylesheet's @font-face rules load, resolved against the stylesheet."""
    return [face.path for face in declared_faces(css_file)]


# Letters every face must draw: a font whose glyph or metrics tables are corrupt reads (its
# cmap is intact) but prints nothing, or prints glyphs on top of each other.
SAMPLE = "AHOXaehnosxæøåÆØÅ0123456789"


@lru_cache(maxsize=32)
def _cmap(path: Path) -> frozenset[int]:
    """The characters a face maps, once it is known to draw them (see _undrawn)."""
    quiet = logging.getLogger("fontTools")
    level, quiet.level = quiet.level, logging.ERROR  # a damaged font's warnings: we name it once
    try:
        return _read_cmap(path)
    finally:
        quiet.setLevel(level)


def _read_cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        if undrawn := _undrawn(font, cmap):
            raise ValueError(undrawn)
        return frozenset(cmap)


def _undrawn(font: TTFont, cmap: dict[int, str]) -> str:
    """What is wrong when the face does not draw SAMPLE's letters it maps: a glyph with no
    outline, or an advance width of nothing or of more than three em."""
    glyphs, metrics = font.getGlyphSet(), font["hmtx"]
    em = font["head"].unitsPerEm
    for char in SAMPLE:
        name = cmap.get(ord(char))
        if name is None:
            continue
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        advance = metrics[name][0]
        if pen.bounds is None or not 0 < advance <= 3 * em:
            what = "has no outline" if pen.bounds is None else f"is {advance} units wide (em: {em})"
            return f"its glyph for '{char}' {what}: the font's glyph or metrics tables are damaged"
    return ""


INVISIBLE = {"\u00ad", "\u2060"}  # a soft hyphen and a word joiner (hyphenate.py) draw nothing


def _needed(text: str) -> set[int]:
    return {ord(c) for c in text if not c.isspace() and c not in INVISIBLE}


def _faces(css_file: Path, extra: Iterable[Path], problems: Problems) -> dict[Path, frozenset[int]]:
    """Each declared face (and an edition's own) that exists and reads, with its characters."""
    faces = {}
    fonts = (css_file.parents[2] / "fonts").resolve()  # layouts/css/1-fonts.css -> fonts/
    declared = declared_fonts(css_file)
    for path in [*declared, *extra]:
        if path in declared and not path.is_relative_to(fonts):  # a link out of fonts/
            problems.add(css_file, 0, f"names {path}, outside fonts/: booklet reads only the project's fonts")
            continue
        if not path.is_file():
            problems.add(css_file, 0, f"font file is missing: {path.name} (expected in fonts/)")
            continue
        try:
            faces[path] = _cmap(path)
        except (TTLibError, OSError, KeyError, ValueError, AssertionError, struct_error, IndexError,
                TypeError, AttributeError, RecursionError) as exc:  # what fontTools raises on noise
            problems.add(path, 0, f"cannot be read as a font: {exc}")
    return faces


def _lacking(needed: set[int], faces: dict[Path, frozenset[int]]) -> str:
    """What ``needed`` lacks, as «'☃' (U+2603) in FontA.ttf, FontB.ttf», or ''."""
    missing = sorted({c for cmap in faces.values() for c in needed - cmap})
    if not missing:
        return ""
    chars = ", ".join(f"'{chr(c)}' (U+{c:04X})" for c in missing[:8])
    more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
    names = sorted(path.name for path, cmap in faces.items() if needed - cmap)
    return f"{chars}{more} in {', '.join(names[:3])}{' …' if len(names) > 3 else ''}"


def check_glyphs(css_file: Path, texts: Iterable[Located], problems: Problems,
                 extra: Iterable[Path] = ()) -> None:
    """Every text of the content is in every face (no fallback): a character that is not is
    named at the file and line of the text that uses it, once per text."""
    faces = _faces(css_file, extra, problems)
    for located in texts:
        if lacking := _lacking(_needed(located.text), faces):
            problems.add(located.file, located.line, f"the fonts have no glyph for {lacking}: use fonts "
                         "that have them (fonts/, or the edition's type_family) or change the text")


def check_fonts(css_file: Path, text: str, problems: Problems, extra: Iterable[Path] = ()) -> None:
    """The same for the composed text as a whole (the templates' own words too), as one problem."""
    faces = _faces(css_file, extra, problems)
    if lacking := _lacking(_needed(text), faces):
        problems.add(css_file, 0, f"the fonts have no glyph for {lacking}: add a font that has them to "
                     "fonts/ or change the text")
