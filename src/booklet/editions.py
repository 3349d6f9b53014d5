"""Editions: an organisation's livery and pages, as data in ``source/editions/<slug>/``.

An edition never copies a template: it names colours, a logo, its own foreword and page,
and a selection of wishes; everything it leaves out comes from the default booklet.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from . import limits
from .errors import BookletError, Problems, printable
from .fields import INVALID, Located, unusable, visible
from .files import real_path, write_atomic
from .fonts import declared_families
from .load import Project, Unreadable, read_bounded
from .schema import SLUG, Edition, Wish
from .validate import Content, read_record

EDITIONS_DIR = "editions"
LOGO_WIDTH_MM = 30  # printed width of the logo on the cover (5-covers.css takes it from here)
PRINT_DPI = 300


@dataclass(frozen=True)
class EditionSpec:
    """A validated edition, ready to compose."""

    slug: str
    folder: Path
    data: Edition
    wishes: tuple[Wish, ...]
    texts: tuple[Located, ...] = ()  # its texts with their lines, for the font check


def edition_folder(project: Project, slug: str) -> Path:
    return project.source / EDITIONS_DIR / slug


def edition_slugs(project: Project) -> list[str]:
    root = project.source / EDITIONS_DIR
    return sorted(p.name for p in root.iterdir() if (p / "edition.yaml").is_file()) if root.is_dir() else []


def check_slug(slug: str) -> None:
    if len(slug) > limits.SLUG_CHARS or not re.fullmatch(SLUG, slug):
        shown = slug if len(slug) <= limits.SLUG_CHARS else slug[:limits.SLUG_CHARS] + "…"
        raise BookletError(f"edition '{shown}': a slug is lower-case letters, digits and dashes, "
                           f"at most {limits.SLUG_CHARS} characters")


def load_edition(project: Project, slug: str, content: Content, problems: Problems,
                 folder: Path | None = None) -> EditionSpec | None:
    """Validate one edition against the schema, its assets and the content it selects.
    ``folder``: where it lies, if not in source/editions/ (the studio's draft, in dist/)."""
    check_slug(slug)
    folder = folder or edition_folder(project, slug)
    if not (folder / "edition.yaml").is_file():
        known = ", ".join(edition_slugs(project)) or "none"
        raise BookletError(f"edition '{slug}' not found in source/{EDITIONS_DIR}/ (editions: {known})")
    if not real_path(folder).is_relative_to(project.root):  # a link out of the project
        problems.add(folder, 0, f"is a link to {folder.resolve()}, outside the project: booklet reads only "
                     "the project's own files")
        return None
    path = folder / "edition.yaml"
    texts: list[Located] = []
    data = read_record(path, Edition, problems, folder, texts)
    if data is INVALID:
        return None
    if data.logo is not None:
        families = declared_families(project.fonts_css) | ({EDITION_SANS} if data.type_family else set())
        check_logo(path, data.logo, problems, families)
    wishes = select_wishes(path, data, content, problems)
    return None if problems else EditionSpec(slug, folder, data, wishes, tuple(texts))


def select_wishes(path: Path, data: Edition, content: Content, problems: Problems) -> tuple[Wish, ...]:
    if data.wishes is None:
        return content.wishes
    valid = ", ".join(f"{w.number} ({w.slug})" for w in content.wishes)
    chosen: list[Wish] = []
    for key, line in data.wishes:
        wish = content.wish(key)
        if wish is None:
            problems.add(path, line, f"unknown wish '{key}' (valid: {valid})")
        elif wish in chosen:
            problems.add(path, line, f"wish '{key}' is selected twice")
        else:
            chosen.append(wish)
    return tuple(chosen)


def check_logo(path: Path, logo, problems: Problems, families: set[str]) -> None:
    """A raster logo has the pixels for 300 dpi at its printed width, and not so many that
    converting it would take gigabytes; an SVG refers to nothing outside, its colours can be
    converted to CMYK and its text is set in one of ``families`` (the booklet's fonts)."""
    try:
        data = read_bounded(logo.path, limits.LOGO_FILE_BYTES, logo.path.parent)
    except Unreadable as exc:
        problems.add(path, logo.line, f"logo {logo.path.name} {exc}")
        return
    kind = image_kind(data)
    named = {".svg": "SVG", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}[logo.path.suffix.lower()]
    if kind is None:
        problems.add(path, logo.line, f"logo {logo.path.name} cannot be read as an image: its content is "
                     "no SVG, PNG or JPEG")
        return
    if kind != named:  # the content decides: a browser or an e-book reader goes by the name
        problems.add(path, logo.line, f"logo {logo.path.name} is {kind}, not {named} as its name says: "
                     "give an SVG, PNG or JPEG file named for what it is")
        return
    if kind == "SVG":
        check_svg(path, logo, data, problems, families)
        return
    try:
        with warnings.catch_warnings():  # the size is judged here, against our own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size  # from the header: nothing decompressed yet
                if width * height <= limits.LOGO_PIXELS:
                    image.verify()  # the chunks' checksums
            if width * height <= limits.LOGO_PIXELS:
                # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process: a check must not
                strict, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
                try:
                    with Image.open(io.BytesIO(data), formats=[kind]) as image:
                        image.load()  # every pixel decoded: a truncated or garbled image fails here
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = strict
    except Image.DecompressionBombError as exc:  # so large that Pillow will not even open it
        found = re.search(r"\((\d+) pixels\)", str(exc))
        width, height = (int(found[1]) if found else limits.LOGO_PIXELS + 1), 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        problems.add(path, logo.line, f"logo {logo.path.name} cannot be decoded as a {kind} image: {exc}")
        return
    needed = round(LOGO_WIDTH_MM / 25.4 * PRINT_DPI)
    if width * height > limits.LOGO_PIXELS:
        size = f" ({width:,} × {height:,} px)" if height > 1 else ""
        problems.add(path, logo.line, f"logo {logo.path.name} has {width * height:,} pixels{size}; at most "
                     f"{limits.LOGO_PIXELS:,} pixels ({LOGO_WIDTH_MM} mm at {PRINT_DPI} dpi needs {needed} "
                     "px across)")
        return
    if width < needed:
        dpi = width / (LOGO_WIDTH_MM / 25.4)
        problems.add(path, logo.line, f"logo {logo.path.name} is {width} px wide: {dpi:.0f} dpi at its "
                     f"printed width of {LOGO_WIDTH_MM} mm; print needs {PRINT_DPI} dpi ({needed} px)")
        return
    if message := aspect_problem(width, height):
        problems.add(path, logo.line, f"logo {logo.path.name} {message}")


# What a file's first bytes say it is (the formats a logo may be, and those it is mistaken for).
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "a GIF image"),
              (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", "a BMP image"),
              (b"%!PS", "an EPS file"), (b"\xc5\xd0\xd3\xc6", "an EPS file"), (b"%PDF", "a PDF file"))


def image_kind(data: bytes) -> str | None:
    """SVG, PNG or JPEG by the file's content, or what else it is ("a TIFF image", ...)."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in data[:65536]:
        return "SVG"
    return None


def aspect_problem(width: float, height: float) -> str:
    """What is wrong with a logo's proportions at its printed width, or ''."""
    low, high = limits.LOGO_ASPECT
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        return f"has no size ({width:g} × {height:g}): give its SVG a viewBox with a width and height"
    if not low <= height / width <= high:
        return (f"is {width:g} × {height:g}: at its {LOGO_WIDTH_MM} mm width it would be "
                f"{LOGO_WIDTH_MM * height / width:.3g} mm tall; a logo is from {LOGO_WIDTH_MM * low:g} to "
                f"{LOGO_WIDTH_MM * high:g} mm tall (height from {low:g} to {high:g} times its width)")
    return ""


# Properties that take a colour, in attributes, style attributes and <style> sheets alike.
SVG_PAINT = re.compile(r"(?<![\w-])(fill|stroke|stop-color|flood-color|lighting-color|color)\s*[:=]\s*"
                       r"[\"']?\s*([^;\"'}>!]*)")
# Paint that is no colour; a url() is judged as a reference (above), not as a colour.
SVG_NO_COLOUR = re.compile(r"(none|transparent|inherit|currentcolor|url\([^)]*\)(\s+\w+)?)?\s*", re.I)


def check_svg(path: Path, logo, data: bytes, problems: Problems, families: set[str]) -> None:
    from .colour import NAMED, SVG_COLOUR

    def problem(message: str) -> None:
        problems.add(path, logo.line, f"logo {logo.path.name} {message}")

    found = len(problems.items)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        problem(f"is not a readable SVG: {exc}")
        return
    if not root.tag.endswith("svg"):
        problem(f"is not an SVG (root element <{root.tag}>)")
    if message := svg_size_problem(root):
        problem(message)
    for element in root.iter():
        before = len(problems.items)
        for name, value in element.attrib.items():
            value = css_unescape(value)
            outside = name.endswith("href") and not value.startswith("#")
            if outside or ("url(" in value.lower() and not re.search(r"url\(\s*[\"']?#", value, re.I)):
                problem(f"refers to an outside resource ({value!r}); a logo must be self-contained")
        tag = element.tag.rpartition("}")[2]
        if tag in ("image", "feImage", "foreignObject", "script") and len(problems.items) == before:
            problem(f"has an <{tag}> element; a logo is drawn in SVG shapes (or give a PNG or JPEG logo)")
        sheet = css_unescape(element.text or "") if element.tag.endswith("style") else ""
        if "@import" in sheet.lower() or re.search(r"url\(\s*(?![\s\"']*#)", sheet, re.I):
            problem("refers to an outside resource in its <style> (@import or url()); a logo must be "
                    "self-contained")
    if problems.items[found:]:  # what an outside reference's colour would be is beside the point
        return
    try:
        drawn = svg_elements(root)
    except SvgTooDeep:
        problem(f"nests elements more than {limits.SVG_DEPTH} deep")
        return
    except SvgCycle:
        problem("has a <use> that refers to an element containing it")
        return
    if drawn > limits.SVG_ELEMENTS:
        problem(f"draws {drawn:,} elements once its <use> references are expanded; at most "
                f"{limits.SVG_ELEMENTS:,}")
        return
    text = data.decode("utf-8", "replace")
    if (count := sum(1 for _ in SVG_COLOUR.finditer(text))) > limits.SVG_COLOURS:
        problem(f"holds {count:,} colour values; at most {limits.SVG_COLOURS:,} (each is converted to CMYK)")
        return
    unconvertible = sorted({value.strip() for _, value in SVG_PAINT.findall(text)
                            if not (SVG_NO_COLOUR.fullmatch(value) or value.strip() in NAMED
                                    or SVG_COLOUR.fullmatch(value.strip()))})
    if unconvertible:
        problem(f"uses colours print cannot convert to CMYK ({', '.join(map(repr, unconvertible[:5]))}): "
                "give them as #rrggbb, #rgb, rgb(r, g, b), black or white")
    if foreign := sorted(svg_text_families(root) - families):
        named = ", ".join(repr(f) for f in foreign if f != NO_FAMILY)
        what = " and ".join(filter(None, [named and f"sets text in {named}, not a font the booklet has",
                                          NO_FAMILY in foreign and "names no font for text"]))
        problem(f"{what} (it would print in a system font): use {' or '.join(sorted(families))}, or "
                "draw the text as paths")


SVG_TEXT = ("text", "tspan", "textPath")
SVG_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)
NO_FAMILY = ""  # text that names no family prints in the renderer's default


def svg_text_families(root: ET.Element) -> set[str]:
    """The family each piece of an SVG's text is set in: the first of the nearest font-family
    (an attribute, a style attribute or, failing those, the SVG's style sheets)."""
    sheets = [family for element in root.iter() if element.tag.endswith("style")
              for family in SVG_FAMILY.findall(css_unescape(element.text or ""))]

    def own(element: ET.Element) -> str | None:
        style = SVG_FAMILY.search(css_unescape(element.get("style", "")))
        return style[1] if style else element.get("font-family")

    found: set[str] = set()

    def walk(element: ET.Element, inherited: str | None) -> None:
        family = own(element) or inherited
        own_text = (element.text or "") + "".join(child.tail or "" for child in element)
        if element.tag.rpartition("}")[2] in SVG_TEXT and own_text.strip():
            for value in ([family] if family else sheets) or [None]:
                first = value.split(",")[0].strip().strip("\"'") if value else ""
                found.add(first or NO_FAMILY)
        for child in element:
            walk(child, family)

    walk(root, None)
    return found


def css_unescape(text: str) -> str:
    """CSS text with its escapes decoded (``@\\69 mport`` is ``@import``), as a browser reads
    it: a check for what a sheet refers to must see what the renderer sees."""
    def char(match: re.Match[str]) -> str:
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match[2]
    return re.sub(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", char, text, flags=re.S)


SVG_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def svg_size_problem(root: ET.Element) -> str:
    """What is wrong with an SVG logo's size (its viewBox, or else its width and height), or ''."""
    box = SVG_NUMBER.findall(root.get("viewBox", ""))
    if root.get("viewBox") is not None:
        if len(box) != 4:
            return f"has a viewBox of {root.get('viewBox')!r}: it needs four numbers (x, y, width, height)"
        values = [float(v) for v in box]
        if not all(math.isfinite(v) and abs(v) <= 1e6 for v in values) or min(values[2:]) < 1e-3:
            return (f"has a viewBox of {root.get('viewBox')!r}: its width and height must be from 0.001 to "
                    "1,000,000")
        return aspect_problem(values[2], values[3])
    sizes = [SVG_NUMBER.fullmatch(re.sub(r"(px|pt|mm|cm|in)?\s*$", "", root.get(name, "").strip()))
             for name in ("width", "height")]
    if not all(sizes):
        return "has no size: give its <svg> a viewBox (or a width and height in px, pt, mm, cm or in)"
    return aspect_problem(*(float(size[0]) for size in sizes if size))


class SvgCycle(Exception):
    pass


class SvgTooDeep(Exception):
    pass


def svg_elements(root: ET.Element) -> int:
    """How many elements the SVG draws, each <use> counted as what it refers to (memoised, so
    the count itself is quick however large it is)."""
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    counted: dict[int, int] = {}
    open_: set[int] = set()

    def count(element: ET.Element, depth: int) -> int:
        if id(element) in counted:
            return counted[id(element)]
        if id(element) in open_:
            raise SvgCycle
        if depth > limits.SVG_DEPTH:
            raise SvgTooDeep
        open_.add(id(element))
        total = 1 + sum(count(child, depth + 1) for child in element)
        if element.tag.endswith("}use") or element.tag == "use":
            ref = next((v for n, v in element.attrib.items() if n.endswith("href")), "")
            target = ids.get(ref[1:]) if ref.startswith("#") else None
            total += count(target, depth + 1) if target is not None else 0
        open_.discard(id(element))
        counted[id(element)] = total
        return total

    return count(root, 0)


def scaffold_edition(project: Project, slug: str, name: str) -> Path:
    """A new edition folder from layouts/edition-template/, with the name filled in."""
    check_slug(slug)
    folder = edition_folder(project, slug)
    if folder.exists():
        raise BookletError(f"{folder} exists already")
    if problem := unusable(name):
        raise BookletError(printable(f"--name holds {problem}: {name!r}"))
    if not visible(name):
        raise BookletError("--name must not be empty (or only invisible characters)")
    folder.mkdir(parents=True)
    path = folder / "edition.yaml"
    path.write_text(template_text(project, name), encoding="utf-8")
    return path


def template_text(project: Project, name: str) -> str:
    """A new edition's ``edition.yaml``: layouts/edition-template/ with the name filled in."""
    template = (project.layouts / "edition-template" / "edition.yaml").read_text(encoding="utf-8")
    text = template.replace("{{ name_yaml }}", json.dumps(name.strip(), ensure_ascii=False))
    return text.replace("{{ name }}", " ".join(name.split()))


def logo_for(project: Project, edition: EditionSpec | None, variant: str, icc: Path) -> Path | None:
    """The logo file to place: for print, a copy converted to the profile's CMYK (cached)."""
    if edition is None or edition.data.logo is None:
        return None
    source = edition.data.logo.path
    if variant != "print":
        return source
    from . import colour
    from .colour import image_to_cmyk, svg_to_cmyk

    data = read_bounded(source, limits.LOGO_FILE_BYTES)  # checked by check_logo; a file may change
    converter = Path(colour.__file__).read_bytes()  # a cached copy made by other code is not reused
    digest = hashlib.sha256(data + icc.read_bytes() + converter).hexdigest()[:16]
    svg = source.suffix.lower() == ".svg"
    target = logo_cache(project) / f"{edition.slug}-{digest}{'.svg' if svg else '.jpg'}"
    if not target.is_file():
        converted = svg_to_cmyk(data.decode("utf-8"), icc).encode() if svg else image_to_cmyk(data, icc)
        write_atomic(converted, target)
    return target


def logo_cache(project: Project) -> Path:
    return project.dist / ".cache" / "logos"


EDITION_SANS = "Edition Sans"


def font_faces(edition: EditionSpec | None) -> list[dict[str, str]]:
    """@font-face rules for an edition's own type family (weight, style, file URL)."""
    family = edition.data.type_family if edition else None
    if family is None:
        return []
    faces = [("400", "normal", family.regular), ("400", "italic", family.italic),
             ("600", "normal", family.semibold or family.bold), ("700", "normal", family.bold),
             ("700", "italic", family.bold_italic or family.italic)]
    return [{"family": EDITION_SANS, "weight": weight, "style": style, "src": asset.path.as_uri(),
             "path": asset.path} for weight, style, asset in faces]


def font_files(edition: EditionSpec | None) -> list[Path]:
    return sorted({face["path"] for face in font_faces(edition)})
