"""The booklet as an EPUB 3: the same parts as the web page, one XHTML document each, with a
navigation document in the screen PDF's outline, accessibility metadata and its fonts.

Reproducible: entries in a fixed order (``mimetype`` first, stored), each with the build
date as its time, and an identifier derived from the title and the edition.
"""

from __future__ import annotations

import io
import logging
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .compose import SLUG
from .cover import cover_svg
from .errors import BookletError
from .files import check_targets, write_atomic
from .reflow import Source, assets, check_text, outline, prepare

log = logging.getLogger(__name__)

MIMETYPE = b"application/epub+zip"
ROOT = "EPUB"  # the folder of the package in the container
STYLESHEETS = ("3-style.css", "4-epub.css")  # from layouts/css/reflow/
COVER = "images/cover.svg"  # the cover image (cover.py); the cover page itself is text
MEDIA_TYPES = {".xhtml": "application/xhtml+xml", ".css": "text/css", ".woff2": "font/woff2",
               ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".txt": "text/plain", ".md": "text/plain"}


@dataclass(frozen=True)
class Item:
    """A file of the package's manifest."""

    id: str
    href: str
    media_type: str
    properties: str = ""


def default_output(source: Source, folder: Path | None = None) -> Path:
    edition = f"-{source.edition.slug}" if source.edition else ""
    return (folder or source.project.dist) / f"{SLUG}{edition}.epub"


def identifier(source: Source) -> uuid.UUID:
    """Stable for the same booklet and edition: a name-based UUID, never a random one."""
    booklet = source.content.booklet
    edition = source.edition.slug if source.edition else ""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://{booklet.website}/{SLUG}/{edition}")


def documents(source: Source) -> list[tuple[str, str]]:
    """The XHTML documents in reading order, by path in the package: cover, contents, one per
    part of the text, back cover."""
    sheets = [f"css/{name}" for name in ("1-fonts.css", "2-variables.css", *STYLESHEETS)]
    common = {"stylesheets": sheets, "assets": "../"}
    bodies = [(f"text/{number:02d}-{part.id}.xhtml", source.body([part], "../"))
              for number, part in enumerate(source.parts, start=1)]
    check_text(source, "".join(body for _, body in bodies))
    entries = [entry for path, body in bodies for entry in outline(body, path)]
    docs = [("text/00-cover.xhtml", source.render("epub/cover.xhtml", **common))]
    docs.append(("nav.xhtml", source.render("epub/nav.xhtml", outline=entries, stylesheets=sheets,
                                            assets="")))
    for path, body in bodies:
        title = next((e.label for e in entries if e.file == path), source.content.booklet.title)
        docs.append((path, source.render("epub/part.xhtml", body=body, title=title, **common)))
    back = f"text/{len(bodies) + 1:02d}-back-cover.xhtml"
    docs.append((back, source.render("epub/back-cover.xhtml", **common)))
    return docs


def book(source: Source) -> dict[str, bytes]:
    """Every file of the container by its path in it."""
    docs = documents(source)
    files = assets(source, STYLESHEETS)
    files[COVER] = cover_svg(source)
    files.update((path, markup.encode()) for path, markup in docs)
    manifest = []
    for number, path in enumerate(sorted(files), start=1):
        suffix = Path(path).suffix.lower()
        if suffix not in MEDIA_TYPES:
            raise BookletError(f"{path}: no EPUB media type for {suffix} files")
        role = {"nav.xhtml": "nav", COVER: "cover-image"}.get(path, "")
        manifest.append(Item(role or f"item-{number}", path, MEDIA_TYPES[suffix], role))
    by_path = {item.href: item for item in manifest}
    package = source.render("epub/package.opf", identifier=identifier(source), manifest=manifest,
                            spine=[by_path[path] for path, _ in docs], day=source.date.strftime("%Y-%m-%d"))
    container = {"mimetype": MIMETYPE,
                 "META-INF/container.xml": source.render("epub/container.xml").encode(),
                 f"{ROOT}/package.opf": package.encode()}
    container.update((f"{ROOT}/{path}", data) for path, data in files.items())
    return container


def zipped(files: dict[str, bytes], source: Source) -> bytes:
    """The container: ``mimetype`` first and stored, the rest deflated in sorted order, every
    entry with the build date (zip cannot hold one before 1980) and the same attributes."""
    # zip holds no date before 1980 or after 2107 (SOURCE_DATE_EPOCH may say 2200)
    stamp = min(max(source.date.timetuple()[:6], (1980, 1, 1, 0, 0, 0)), (2107, 12, 31, 23, 59, 58))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ["mimetype", *sorted(n for n in files if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, on every machine
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def build_epub(root: Path | str, edition: str | None = None, output: Path | None = None,
               folder: Path | None = None) -> Path:
    """Write the EPUB of the booklet or an edition (to ``output``, or by its default name in
    ``folder`` or dist/); returns its path."""
    source = prepare(root, edition)
    target = output or default_output(source, folder)
    check_targets([target], source.inputs)
    data = zipped(book(source), source)
    write_atomic(data, target)
    log.info("wrote %s (%d bytes)", target, len(data))
    return target

