"""Editions: an organisation's livery and pages, as data in ``source/editions/<slug>/``.

An edition never copies a template: it names colours, a logo, its own foreword and page,
and a selection of wishes; everything it leaves out comes from the default booklet.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import BookletError, Problems
from .fields import INVALID
from .load import Project
from .schema import Edition, Wish
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


def edition_folder(project: Project, slug: str) -> Path:
    return project.source / EDITIONS_DIR / slug


def edition_slugs(project: Project) -> list[str]:
    root = project.source / EDITIONS_DIR
    return sorted(p.name for p in root.iterdir() if (p / "edition.yaml").is_file()) if root.is_dir() else []


def load_edition(project: Project, slug: str, content: Content, problems: Problems) -> EditionSpec | None:
    """Validate one edition against the schema, its assets and the content it selects."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise BookletError(f"edition '{slug}': a slug is lower-case letters, digits and dashes")
    folder = edition_folder(project, slug)
    if not (folder / "edition.yaml").is_file():
        known = ", ".join(edition_slugs(project)) or "none"
        raise BookletError(f"edition '{slug}' not found in source/{EDITIONS_DIR}/ (editions: {known})")
    path = folder / "edition.yaml"
    data = read_record(path, Edition, problems)
    if data is INVALID:
        return None
    if data.logo is not None:
        check_logo(path, data.logo, problems)
    wishes = select_wishes(path, data, content, problems)
    return None if problems else EditionSpec(slug, folder, data, wishes)


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


def check_logo(path: Path, logo, problems: Problems) -> None:
    """A raster logo has the pixels for 300 dpi at its printed width; an SVG refers to nothing outside."""
    if logo.path.suffix.lower() == ".svg":
        check_svg(path, logo, problems)
        return
    try:
        with Image.open(logo.path) as image:
            image.verify()
        with Image.open(logo.path) as image:
            width = image.width
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        problems.add(path, logo.line, f"logo {logo.path.name} cannot be read as an image: {exc}")
        return
    needed = round(LOGO_WIDTH_MM / 25.4 * PRINT_DPI)
    if width < needed:
        dpi = width / (LOGO_WIDTH_MM / 25.4)
        problems.add(path, logo.line, f"logo {logo.path.name} is {width} px wide: {dpi:.0f} dpi at its "
                     f"printed width of {LOGO_WIDTH_MM} mm; print needs {PRINT_DPI} dpi ({needed} px)")


def check_svg(path: Path, logo, problems: Problems) -> None:
    try:
        root = ET.parse(logo.path).getroot()
    except (ET.ParseError, OSError) as exc:
        problems.add(path, logo.line, f"logo {logo.path.name} is not a readable SVG: {exc}")
        return
    if not root.tag.endswith("svg"):
        problems.add(path, logo.line, f"logo {logo.path.name} is not an SVG (root element <{root.tag}>)")
    for element in root.iter():
        for name, value in element.attrib.items():
            outside = name.endswith("href") and not value.startswith("#")
            if outside or ("url(" in value and "url(#" not in value):
                problems.add(path, logo.line, f"logo {logo.path.name} refers to an outside resource "
                             f"({value!r}); a logo must be self-contained")


def scaffold_edition(project: Project, slug: str, name: str) -> Path:
    """A new edition folder from layouts/edition-template/, with the name filled in."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise BookletError(f"edition '{slug}': a slug is lower-case letters, digits and dashes")
    folder = edition_folder(project, slug)
    if folder.exists():
        raise BookletError(f"{folder} exists already")
    if not name.strip():
        raise BookletError("--name must not be empty")
    template = (project.layouts / "edition-template" / "edition.yaml").read_text(encoding="utf-8")
    text = template.replace("{{ name_yaml }}", json.dumps(name.strip(), ensure_ascii=False))
    text = text.replace("{{ name }}", " ".join(name.split()))
    folder.mkdir(parents=True)
    path = folder / "edition.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def logo_for(project: Project, edition: EditionSpec | None, variant: str, icc: Path) -> Path | None:
    """The logo file to place: for print, a copy converted to the profile's CMYK (cached)."""
    if edition is None or edition.data.logo is None:
        return None
    source = edition.data.logo.path
    if variant != "print":
        return source
    from .colour import image_to_cmyk, svg_to_cmyk
    from .finish import write_atomic

    data = source.read_bytes()
    digest = hashlib.sha256(data + icc.read_bytes()).hexdigest()[:16]
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
    return [{"family": EDITION_SANS, "weight": weight, "style": style, "src": asset.path.as_uri()}
            for weight, style, asset in faces]


def font_files(edition: EditionSpec | None) -> list[Path]:
    return sorted({Path(face["src"].removeprefix("file://")) for face in font_faces(edition)})
