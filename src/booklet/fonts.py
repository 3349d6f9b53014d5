"""The type families in fonts/: every character the text uses must be in them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .errors import Problems

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


@lru_cache(maxsize=32)
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def check_fonts(css_file: Path, text: str, problems: Problems, extra: list[Path] = ()) -> None:
    """Each declared face (and an edition's own) exists, and covers every character of the
    text (no fallback)."""
    needed = {ord(c) for c in text if not c.isspace() and c != "\u00ad"}
    for path in [*declared_fonts(css_file), *extra]:
        if not path.is_file():
            problems.add(css_file, 0, f"font file is missing: {path.name} (expected in fonts/)")
            continue
        missing = sorted(needed - _cmap(path))
        if missing:
            chars = ", ".join(f"'{chr(c)}' (U+{c:04X})" for c in missing[:8])
            problems.add(css_file, 0, f"{path.name} has no glyph for {chars}: add a font that has "
                         "them to fonts/ or change the text")
