"""Reflowable outputs, the web page and the e-book: what both take from the composed content.

The parts in the PDF's reading order (its page plan, without pages), their outline, screen
colours held to WCAG contrast in a light and a dark scheme, the fonts as WOFF2 with their
licences, and the edition's logo: one set of inputs for ``web`` and ``epub``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import limits
from .compose import INTRODUCTION_PAGES, Plan, build_date, css_colours, environment, plan_pages, resolve_icc
from .editions import EDITION_SANS, EditionSpec, font_faces, font_files, load_edition
from .errors import BookletError, Problems, printable
from .files import published_name, write_cache
from .fonts import Face, check_fonts, check_glyphs, declared_faces
from .load import Project, Unreadable, read_bounded
from .validate import Content, load_content

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"  # epub:type, on the e-book's page markers
# Page kinds of the plan that are parts of the running text (covers and blanks are not;
# a wish's letter and reply are one part, a conversation).
PART_KINDS = ("guide", "foreword", "edition_foreword", "introduction", "letter", "organisation", "about",
              "offers")


@dataclass(frozen=True)
class Part:
    """A part of the text in reading order: ``kind`` names its macro in reflow/parts.html."""

    id: str  # its anchor: the plan's page id, or a wish's slug
    kind: str
    data: Any = None


@dataclass(frozen=True)
class Entry:
    """An entry of the outline: the anchor it points to (in ``file``) and its label."""

    id: str
    label: str
    file: str = ""

    @property
    def href(self) -> str:
        return f"{self.file}#{self.id}"


@dataclass
class Source:
    """Everything a reflowable output is made from, validated before anything is written."""

    project: Project
    content: Content
    edition: EditionSpec | None
    plan: Plan
    icc: Path
    date: dt.datetime

    @property
    def inputs(self) -> list[Path]:
        """What an output must never overwrite (as build.Job.inputs)."""
        return self.project.inputs(self.icc)

    @property
    def parts(self) -> list[Part]:
        return reading_order(self.plan)

    @property
    def logo(self) -> str | None:
        """The logo's name in the output's images/ folder."""
        if self.edition is None or self.edition.data.logo is None:
            return None
        return f"images/logo{self.edition.data.logo.path.suffix.lower()}"

    def render(self, template: str, **values: Any) -> str:
        """A template of layouts/templates/ with the content, the edition and the labels."""
        return environment(self.project).get_template(template).render(
            content=self.content, booklet=self.content.booklet, edition=self.edition, logo=self.logo,
            nav=self.content.booklet.labels.navigation, date=self.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            **values)

    def body(self, parts: list[Part], assets: str = "",
             print_pages: dict[str, list[int]] | None = None) -> Markup:
        """The markup of ``parts``; ``assets`` is the way from the document to images/;
        ``print_pages``, the e-book's markers of the print edition's pages (epub.page_starts)."""
        return Markup(self.render("reflow/body.html", parts=parts, assets=assets, print_pages=print_pages))


def prepare(root: Path | str, edition: str | None = None) -> Source:
    """Validate the content and the edition; nothing is written."""
    project = Project.at(root)
    problems = Problems(project.root)
    content = load_content(project, problems)
    problems.raise_if_any()
    assert content is not None
    spec = load_edition(project, edition, content, problems) if edition is not None else None
    problems.raise_if_any()
    # a glyph the fonts lack is named at the text's file and line, as the PDF build names it
    check_glyphs(project.fonts_css, [*content.texts, *(spec.texts if spec else ())], problems,
                 font_files(spec))
    problems.raise_if_any()
    return Source(project, content, spec, plan_pages(content, spec), resolve_icc(project, None),
                  build_date(content))


def reading_order(plan: Plan) -> list[Part]:
    """The plan's text pages in order, a wish's two pages as one part named by its slug, the
    introduction's pages as one part, followed by the guide that closes its last page."""
    parts = []
    for page in plan.sequence:
        if page.kind == "letter":
            parts.append(Part(page.data.slug, "wish", page.data))
        elif page.kind == "introduction":
            if page.data == 1:
                parts.append(Part(page.id, page.kind))
            if page.data == INTRODUCTION_PAGES:
                parts.append(Part("om-haeftet", "guide"))
        elif page.kind in PART_KINDS:
            parts.append(Part(page.id, page.kind))
    return parts


def parse(markup: str) -> ET.Element:
    """XHTML markup (a fragment) as a tree; it must be well-formed, as an e-book needs."""
    try:
        return ET.fromstring(f'<div xmlns="{XHTML}" xmlns:epub="{OPS}">{markup}</div>')
    except ET.ParseError as exc:  # a template's fault, not the content's: autoescape covers that
        raise BookletError(f"the composed markup is not well-formed XHTML: {exc}") from exc


def outline(markup: str, file: str = "") -> list[Entry]:
    """The outline: each h2, labelled by its data-outline (a wish: «N. title», as in the PDF's
    bookmarks) or its text, pointing at the nearest enclosing element with an id."""
    root = parse(markup)
    parents = {child: parent for parent in root.iter() for child in parent}
    entries = []
    for heading in root.iter(f"{{{XHTML}}}h2"):
        anchor = heading
        while anchor.get("id") is None:
            anchor = parents[anchor]
        label = heading.get("data-outline") or "".join(heading.itertext())
        entries.append(Entry(anchor.get("id", ""), " ".join(label.split()), file))
    return entries


def text(markup: str) -> str:
    """The words of the markup, as a reader sees them."""
    return " ".join(parse(markup).itertext())


# --- colours -------------------------------------------------------------------------------

def srgb(value: str) -> tuple[int, int, int]:
    """An sRGB colour from ``#rrggbb`` or ``rgb(r g b)`` (compose.css_colours)."""
    if value.startswith("#"):
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)
    r, g, b = (int(v) for v in re.findall(r"\d+", value)[:3])
    return r, g, b


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""
    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(linear, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: tuple[int, int, int], b: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    """``share`` of ``b`` in ``a``."""
    r, g, bl = (round(x + (y - x) * share) for x, y in zip(a, b, strict=True))
    return r, g, bl


BLACK, WHITE = (0, 0, 0), (255, 255, 255)
MIN_CONTRAST = 4.5  # WCAG 2.2 AA, body text
# Every text colour of the screen stylesheets on every ground it is read on, and which of
# the two gives way (moves away from the other) when they fall short. Grounds come first:
# a band that gives way changes what the voice colour must hold against. (On the leaders'
# band their colour draws only the quotes' ornament; the chef's also titles the guide's boxes.)
PAIRS = (
    ("text", "leader-band", "leader-band"),
    ("text", "chef-band", "chef-band"),
    ("text", "background", "text"),
    ("leader", "background", "leader"),
    ("chef", "background", "chef"),
    ("chef", "chef-band", "chef"),
    ("on-cover", "cover", "cover"),
)


def hold_contrast(colours: dict[str, tuple[int, int, int]]) -> dict[str, tuple[int, int, int]]:
    """Move each colour that gives way toward black or white (away from its partner) in small
    steps until every pair reaches 4.5:1 (aiming a little above, for rounding in browsers)."""
    colours = dict(colours)
    for text_name, ground, mover in PAIRS:
        other = ground if mover == text_name else text_name
        start = colours[mover]
        toward = BLACK if luminance(start) <= luminance(colours[other]) else WHITE
        step = 0
        while contrast(colours[text_name], colours[ground]) < MIN_CONTRAST + 0.1 and step < 50:
            step += 1
            colours[mover] = mix(start, toward, step / 50)
    return colours


def screen_schemes(source: Source) -> dict[str, dict[str, str]]:
    """The screen stylesheets' colours, light and dark, as #rrggbb: the palette's (with the
    edition's) converted to sRGB like the screen PDF's, moved only where contrast needs it."""
    palette = {name: srgb(value) for name, value in
               css_colours(source.project, "screen", source.icc, source.edition).items()}
    light = {"text": palette["ink"], "background": palette["paper"], "leader": palette["leader"],
             "chef": palette["chef"], "leader-band": palette["leader-tint"],
             "chef-band": palette["chef-tint"], "cover": palette["cover"], "on-cover": palette["paper"],
             "accent": palette["cover-accent"]}
    night = mix(palette["cover"], BLACK, 0.8)  # a dark ground in the cover's hue
    dark = {**light, "background": night, "text": mix(palette["paper"], palette["ink"], 0.08),
            "leader-band": mix(night, palette["leader"], 0.2), "chef-band": mix(night, palette["chef"], 0.25),
            "cover": mix(palette["cover"], BLACK, 0.4)}
    return {name: {key: "#{:02x}{:02x}{:02x}".format(*rgb) for key, rgb in hold_contrast(scheme).items()}
            for name, scheme in (("light", light), ("dark", dark))}


# --- fonts and assets ------------------------------------------------------------------------

EDITION_ASSETS = "edition/"  # an edition's files in the output: never in the project's own names


@dataclass(frozen=True)
class WebFont(Face):
    """A face as the screen outputs load it; an edition's own under edition/, so that it can
    never take the name of one of the project's."""

    own: bool = False  # an edition's face (from its folder)

    @property
    def name(self) -> str:
        return f"fonts/{EDITION_ASSETS if self.own else ''}{published_name(self.path.stem + '.woff2')}"


def web_fonts(source: Source) -> list[WebFont]:
    """The faces of layouts/css/1-fonts.css (whatever files it names), and an edition's own."""
    fonts = source.project.fonts.resolve()
    faces = [WebFont(f.family, f.path, f.weight, f.style) for f in declared_faces(source.project.fonts_css)]
    faces += [WebFont(EDITION_SANS, f["path"], f["weight"], f["style"], not f["path"].is_relative_to(fonts))
              for f in font_faces(source.edition)]
    return faces


def licences(source: Source) -> dict[str, Path]:
    """The fonts' licences, shipped beside them by their names in the output: fonts/'s OFL or
    licence files, and an edition's (under edition/ unless it is one of fonts/'s)."""
    fonts = source.project.fonts
    found = {f"fonts/{published_name(p.name)}": p for p in sorted(fonts.iterdir())
             if p.suffix.lower() in (".txt", ".md") and re.search(r"ofl|licen[cs]e", p.name, re.I)}
    family = source.edition.data.type_family if source.edition else None
    if family is not None:
        own = not family.licence.path.is_relative_to(fonts.resolve())
        found[f"fonts/{EDITION_ASSETS if own else ''}{published_name(family.licence.path.name)}"] = \
            family.licence.path
    return found


def woff2(data: bytes, cache: Path) -> bytes:
    """A TTF/OTF as WOFF2, the same font in a web format (no glyph is changed); kept in the
    cache under its content's hash, as brotli takes a while. Deterministic: no timestamp."""
    cached = cache / f"{hashlib.sha256(data).hexdigest()[:20]}.woff2"
    if cached.is_file():
        return cached.read_bytes()
    from fontTools.ttLib import TTFont

    buffer = io.BytesIO()
    with TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False) as ttf:
        ttf.flavor = "woff2"
        ttf.save(buffer, reorderTables=True)
    converted = buffer.getvalue()
    write_cache(converted, cached)
    return converted


def read_asset(path: Path, *folders: Path) -> bytes:
    """An asset's bytes, if its real path (links resolved) lies inside one of its folders:
    validation checks that, and this holds past it, as the PDF renderer's fetcher does. Read
    with the limits of any edition asset; nothing outside is ever opened."""
    resolved = path.resolve()
    within = next((folder for folder in folders if resolved.is_relative_to(folder.resolve())), None)
    if within is None:
        raise BookletError(printable(f"{path}: is a link to {resolved}, outside "
                                     f"{', '.join(map(str, folders))}: refused as an asset"))
    try:
        return read_bounded(path, limits.ASSET_FILE_BYTES, within)
    except Unreadable as exc:
        raise BookletError(printable(f"{path}: {exc}")) from exc


def assets(source: Source, css: tuple[str, ...]) -> dict[str, bytes]:
    """The files beside the text: stylesheets (fonts, colours, then ``css`` from
    layouts/css/reflow/), fonts as WOFF2 with their licences, the edition's logo."""
    project = source.project
    cache = project.dist / ".cache" / "woff2"
    fonts = web_fonts(source)
    files = {"css/1-fonts.css": source.render("reflow/fonts.css", fonts=fonts).encode(),
             "css/2-variables.css": source.render("reflow/variables.css", schemes=screen_schemes(source),
                                                display=EDITION_SANS if font_faces(source.edition) else "")
             .encode()}
    for name in css:
        files[f"css/{name}"] = (project.layouts / "css" / "reflow" / name).read_bytes()
    roots = [project.fonts] + ([source.edition.folder] if source.edition else [])
    for font in fonts:
        files[font.name] = woff2(read_asset(font.path, *roots), cache)
    for name, licence in licences(source).items():
        files[name] = read_asset(licence, *roots)
    if source.logo and source.edition and source.edition.data.logo:
        files[source.logo] = read_asset(source.edition.data.logo.path, source.edition.folder)
    return files


def check_ids(source: Source, markup: str) -> None:
    """Every id of a document is its own: a wish whose slug is also the id of another part or
    of the page (``forord``, ``indhold``) would take its links and its place in the contents."""
    ids = re.findall(r'\sid="([^"]*)"', markup)
    twice = sorted({found for found in ids if ids.count(found) > 1})
    if not twice:
        return
    problems = Problems(source.project.root)
    for wish in source.content.wishes:
        if wish.slug in twice:
            problems.add(source.project.source / "wishes" / f"{wish.number}-{wish.slug}.yaml", wish.line,
                         f"slug '{wish.slug}' is also the id of another part of the web page (its links "
                         "would go there); choose another slug")
    problems.raise_if_any()
    raise BookletError(f"the composed markup holds an id more than once: {', '.join(twice)}")  # a template's


def check_text(source: Source, markup: str) -> None:
    """Every character has a glyph in the fonts (no fallback to a system font)."""
    problems = Problems(source.project.root)
    extra = [f.path for f in web_fonts(source) if f.family == EDITION_SANS]
    check_fonts(source.project.fonts_css, text(markup), problems, extra)
    problems.raise_if_any()
