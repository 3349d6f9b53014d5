"""The e-book's cover image: the printed cover's ground, accent, logo and type, as an SVG.

Its type is drawn as outlines from the fonts' glyphs (an image cannot load fonts), laid out
as layouts/css/5-covers.css sets the printed cover, without kerning. Pure Python and
deterministic: the same content, palette and fonts give the same bytes.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from markupsafe import Markup

from .editions import LOGO_WIDTH_MM
from .errors import BookletError
from .reflow import Source, WebFont, screen_schemes, web_fonts

PT = 25.4 / 72  # mm per point
WIDTH, HEIGHT = 148, 210  # mm: the A5 trim
MARGIN = 16  # mm, left and right, as 5-covers.css
SVG = "http://www.w3.org/2000/svg"


@lru_cache(maxsize=8)
def _font(path: Path) -> TTFont:
    return TTFont(path, lazy=True)


@dataclass(frozen=True)
class Type:
    """A face at a size (points)."""

    font: Path
    size: float

    def width(self, text: str) -> float:
        """Advance width in mm."""
        font = _font(self.font)
        cmap, metrics = font.getBestCmap(), font["hmtx"]
        scale = self.size * PT / font["head"].unitsPerEm
        return sum(metrics[cmap[ord(c)]][0] for c in text if ord(c) in cmap) * scale

    def outline(self, text: str, x: float, baseline: float) -> str:
        """The text as one SVG path's data, in mm."""
        font = _font(self.font)
        glyphs, cmap, metrics = font.getGlyphSet(), font.getBestCmap(), font["hmtx"]
        scale = self.size * PT / font["head"].unitsPerEm
        pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip("."))
        for char in text:
            name = cmap.get(ord(char))
            if name is None:
                continue
            glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, x, baseline)))
            x += metrics[name][0] * scale
        return pen.getCommands()


def face(fonts: list[WebFont], family: str, weight: str, style: str = "normal") -> Path:
    return next(f.path for f in fonts if (f.family, f.weight, f.style) == (family, weight, style))


def wrap(words: list[str], type_: Type, measure: float) -> list[str]:
    """Greedy line breaking at spaces within ``measure`` mm."""
    lines: list[str] = []
    for word in words:
        if lines and type_.width(f"{lines[-1]} {word}") <= measure:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def cover_svg(source: Source) -> bytes:
    """The cover as an SVG image, sized as the A5 page in mm: the two voices as the printed
    cover sets them (the leaders' line flush left, the chef's answering flush right, each under
    its quotation mark), the subtitle broken by sense under a rule, the logo in the foot."""
    fonts = web_fonts(source)
    colours = screen_schemes(source)["light"]
    booklet = source.content.booklet
    serif = Type(face(fonts, "Booklet Serif", "600", "italic"), 40)
    mark = Type(face(fonts, "Booklet Serif", "600", "italic"), 44)
    subtitle = Type(face(fonts, "Booklet Sans", "600"), 14)
    paths: list[tuple[str, str]] = []  # (colour, path data)
    rules: list[tuple[float, float, float]] = []  # (x, y, width) of the rule over the subtitle
    y = 30.0  # the top padding (mm)
    voices = [(colours["leader-band"], colours["accent"], False),  # (ink, quotation mark, flush right)
              (colours["chef-band"], colours["on-cover"], True)]
    lines = booklet.title.replace("! ", "!\n").split("\n")
    for (ink, ornament, right), line in zip(voices, lines, strict=False):
        x = WIDTH - MARGIN - serif.width(line) if right else MARGIN
        quote = "\u201d"
        paths.append((ornament, mark.outline(quote, WIDTH - MARGIN - mark.width(quote) if right else MARGIN,
                                             y + 30 * PT)))
        y += 12 + 44 * PT
        paths.append((ink, serif.outline(line, x, y - 12 * PT)))
        y += 8
    y += 16 - 8
    rules.append((MARGIN, y, 86))
    y += 4
    head, joint, tail = booklet.subtitle.partition(" om ")
    for line in [head, f"om {tail}"] if joint else wrap(booklet.subtitle.split(), subtitle, 86):
        y += 18 * PT
        paths.append((colours["on-cover"], subtitle.outline(line, MARGIN, y - 4 * PT)))
    foot = [(Type(face(fonts, "Booklet Sans", "400"), 10), booklet.website),
            (Type(face(fonts, "Booklet Sans", "700"), 11), booklet.publisher)]
    if source.edition:
        line = source.edition.data.cover_line or source.edition.data.name
        foot.append((Type(face(fonts, "Booklet Sans", "600"), 10), line))
    y = HEIGHT - 18 - 1
    for type_, text in foot:  # upward from the foot
        for line in reversed(wrap(text.split(), type_, WIDTH - 2 * MARGIN)):
            paths.append((colours["on-cover"], type_.outline(line, MARGIN, y)))
            y -= 14 * PT
    logo = _logo(source, 0)
    if logo is not None:  # above the foot's lines, as in the printed cover
        logo = _logo(source, y - logo[1])
    return source.render("epub/cover.svg", width=WIDTH, height=HEIGHT, colours=colours, paths=paths,
                         rules=rules, margin=MARGIN, tile=logo[0] if logo else None).encode()


def _logo(source: Source, top: float) -> tuple[Markup, float] | None:
    """The edition's logo on a paper tile, as nested SVG (an SVG logo) or an image reference,
    and the height it takes with its margin (mm)."""
    if source.edition is None or source.edition.data.logo is None:
        return None
    path = source.edition.data.logo.path
    pad, width = 3, LOGO_WIDTH_MM
    if path.suffix.lower() == ".svg":
        ET.register_namespace("", SVG)
        root = ET.parse(path).getroot()
        size = root.get("viewBox") or f"0 0 {root.get('width')} {root.get('height')}"
        box = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", size)]
        if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
            raise BookletError(f"{path}: the logo needs a viewBox (or width and height) for the cover")
        height = width * box[3] / box[2]
        root.attrib.update({"x": f"{MARGIN + pad:g}", "y": f"{top + pad:g}", "width": f"{width:g}",
                            "height": f"{height:.2f}", "viewBox": " ".join(f"{v:g}" for v in box)})
        inner = ET.tostring(root, encoding="unicode")
    else:
        from PIL import Image

        with Image.open(path) as image:
            height = width * image.height / image.width
            kind = Image.MIME[image.format]
        # inside the image: a cover drawn as an image may load nothing from outside itself
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        inner = (f'<image x="{MARGIN + pad:g}" y="{top + pad:g}" width="{width:g}" height="{height:.2f}" '
                 f'href="data:{kind};base64,{data}"/>')
    tile = (f'<rect x="{MARGIN:g}" y="{top:g}" width="{width + 2 * pad:g}" height="{height + 2 * pad:.2f}" '
            'fill="#ffffff"/>')
    return Markup(tile + inner), height + 2 * pad + 9  # our markup and a validated, self-contained logo
