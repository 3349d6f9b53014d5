"""The booklet as an EPUB 3: the same parts as the web page, one XHTML document each, with a
navigation document in the screen PDF's outline, accessibility metadata and its fonts.

Reproducible: entries in a fixed order (``mimetype`` first, stored), each with the build
date as its time, and an identifier derived from the title and the edition.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .compose import SLUG, Plan
from .cover import cover_svg
from .errors import BookletError
from .files import check_targets, write_atomic
from .reflow import Source, assets, check_text, outline, prepare

log = logging.getLogger(__name__)

MIMETYPE = b"application/epub+zip"
ROOT = "EPUB"  # the folder of the package in the container
STYLESHEETS = ("3-style.css", "4-epub.css")  # from layouts/css/reflow/
COVER = "images/cover.svg"  # the cover image (cover.py), the first page in reading order
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


def page_starts(plan: Plan) -> dict[str, list[int]]:
    """Where the print edition's pages begin, by the anchor they begin at (reflow/parts.html's
    pagebreaks): the front cover, each part's first page, a wish's reply (``slug-reply``), the
    back cover; blank, notes and colophon pages go with the page after them. A page a part flows onto (the
    introduction's second) begins where only the print layout knows, and has no marker."""
    starts: dict[str, list[int]] = {}
    blanks: list[int] = []
    for page in plan.sequence:
        if page.kind in ("blank", "notes", "colophon"):  # pages the e-book has no part for
            blanks.append(page.number)
            continue
        key = {"letter": page.data.slug, "reply": f"{page.data.slug}-reply"}[page.kind] if page.wish \
            else page.id
        starts[key], blanks = [*blanks, page.number], []
    return starts


def page_list(docs: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """The page list: each page marker the documents hold, in page order, by its href."""
    found = [(int(number), f"{path}#page-{number}") for path, markup in docs
             for number in re.findall(r'epub:type="pagebreak"[^>]* id="page-(\d+)"', markup)]
    return sorted(found)


def documents(source: Source) -> list[tuple[str, str]]:
    """The XHTML documents in reading order, by path in the package: the cover image, the
    title page, contents, one per part of the text, back cover."""
    sheets = [f"css/{name}" for name in ("1-fonts.css", "2-variables.css", *STYLESHEETS)]
    common = {"stylesheets": sheets, "assets": "../", "print_pages": page_starts(source.plan)}
    bodies = [(f"text/{number:02d}-{part.id}.xhtml", source.body([part], "../", common["print_pages"]))
              for number, part in enumerate(source.parts, start=1)]
    check_text(source, "".join(body for _, body in bodies))
    entries = [entry for path, body in bodies for entry in outline(body, path)]
    docs = [("text/00-cover.xhtml", source.render("epub/cover.xhtml", cover=COVER, **common)),
            ("text/00-title.xhtml", source.render("epub/title.xhtml", **common))]
    for path, body in bodies:
        title = next((e.label for e in entries if e.file == path), source.content.booklet.title)
        docs.append((path, source.render("epub/part.xhtml", body=body, title=title, **common)))
    back = f"text/{len(bodies) + 1:02d}-back-cover.xhtml"
    docs.append((back, source.render("epub/back-cover.xhtml", **common)))
    nav = source.render("epub/nav.xhtml", outline=entries, page_list=page_list(docs), stylesheets=sheets,
                        assets="")
    return [*docs[:2], ("nav.xhtml", nav), *docs[2:]]


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

