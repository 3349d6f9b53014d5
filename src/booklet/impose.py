"""Imposition for an office printer: the print PDF two-up on landscape A4, to fold and staple.

Each A5 page is cropped to its TrimBox (no bleed, no marks) and placed at 100 %: the two pages
(2 × 148 mm) fill landscape A4 (297 × 210 mm) but for 0.5 mm at either end, centred, meeting on
the sheet's centre line, where it is folded. Sides come in
printer's-spread order (20|1, 2|19, 18|3, ...), to print duplex, flipping on the short edge.

Why no imposition library: pdfimpose, the well-kept one on PyPI, is AGPL-3.0-or-later (and
builds on PyMuPDF, also AGPL): that does not fit this MIT project. So pypdf does it, though not
through ``PageObject.merge_transformed_page``: that re-parses every content stream and, in
pypdf 7.1, clones the 0.8 MB CMYK profile again for every merged page (32 MB for this booklet;
deduplicated afterwards, still 6 s against 0.2 s). Here each page becomes a form XObject whose
/BBox is its TrimBox (the crop) and whose content stream is the page's own, unchanged; each
sheet side draws two of them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

import click
import pypdf
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from . import limits
from .build import SLUG
from .compose import DEFAULT_ICC
from .errors import BookletError, printable
from .files import check_targets, real_path, write_atomic
from .load import Project, Unreadable, read_bounded
from .preflight import Budget, check_pages, decoded
from .verify import MM

SHEET = (297 * MM, 210 * MM)  # landscape A4, in points
TOLERANCE = 0.05  # points
INFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate", "/ModDate")


def sheet_order(page_count: int) -> list[tuple[int, int]]:
    """(left, right) 0-based page indexes of each sheet side, in print order: a sheet's front,
    then its back. For 8 pages: (7, 0), (1, 6), (5, 2), (3, 4)."""
    if page_count <= 0 or page_count % 4:
        raise BookletError(f"{page_count} pages cannot be imposed for saddle stitching: "
                           "the page count must be a positive multiple of 4")
    sides = []
    for sheet in range(page_count // 4):
        first, last = 2 * sheet, page_count - 1 - 2 * sheet  # the sheet's outermost pages
        sides += [(last, first), (first + 1, last - 1)]
    return sides


def impose(source: Path, target: Path, inputs: Sequence[Path] = ()) -> int:
    """Write ``source`` imposed two-up on landscape A4 to ``target``; return the sides written.
    ``inputs``: what the target must not be or lie in (the project's folders and profile).

    The same input gives a byte-identical output (the file /ID derives from the input bytes).
    Link annotations are left out: this file is for paper.
    """
    if real_path(source) == real_path(target):
        raise BookletError(f"{target}: the imposed PDF would overwrite its own input")
    check_targets([target], inputs)
    data, reader = _read(source)
    order = sheet_order(len(reader.pages))
    try:
        imposed = two_up(data, reader, order, duplex=True)
    except BookletError as exc:  # a limit reached, a rotated or oversized page
        raise BookletError(printable(f"{source}: {exc.message.removeprefix('booklet: ')}")) from exc
    write_atomic(imposed, target)
    return len(order)


def two_up(data: bytes, reader: PdfReader, sides: list[tuple[int, int]], *, scale: float = 1.0,
           duplex: bool = False, title: str | None = None) -> bytes:
    """Pairs of pages, cropped to their TrimBox, side by side on landscape A4 sheets: centred,
    meeting on the centre line, at ``scale`` (1 = 100 %). Used by `impose` and by the A4 handout."""
    writer = PdfWriter()
    writer.pdf_header = b"%PDF-1.7"
    used = sorted({i for side in sides for i in side})
    budget = Budget()
    forms = {i: _page_form(writer, reader.pages[i], i + 1, scale, budget) for i in used}
    width, height = SHEET
    for left, right in sides:
        placed = ((left, width / 2 - _size(reader.pages[left])[0] * scale), (right, width / 2))
        drawn, ops = DictionaryObject(), []
        for index, x in placed:
            trim = [float(v) for v in reader.pages[index].trimbox]
            y = (height - (trim[3] - trim[1]) * scale) / 2
            name = f"/P{index + 1}"
            drawn[NameObject(name)] = forms[index]
            ops.append(f"q {_num(scale)} 0 0 {_num(scale)} {_num(x - trim[0] * scale)} "
                       f"{_num(y - trim[1] * scale)} cm {name} Do Q\n")
        side = writer.add_blank_page(width, height)
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): drawn})
        contents = DecodedStreamObject()
        contents.set_data("".join(ops).encode())
        side.replace_contents(contents.flate_encode())
    _document(writer, reader, data, duplex)
    if title:
        writer.add_metadata({"/Title": title})
        writer.add_outline_item(title=title, page_number=0)
    writer.compress_identical_objects()  # objects the pages share, cloned more than once
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _read(source: Path) -> tuple[bytes, PdfReader]:
    try:
        data = read_bounded(source, limits.PDF_FILE_BYTES)
    except Unreadable as exc:
        raise BookletError(printable(f"{source}: cannot read the PDF ({exc})")) from exc
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise BookletError("the PDF is encrypted")
        len(reader.pages)
        check_pages(reader)
    except DependencyError as exc:  # AES, which pypdf needs the cryptography package for
        raise BookletError(f"{source}: the PDF is encrypted") from exc
    except BookletError as exc:
        raise BookletError(printable(f"{source}: {exc.message.removeprefix('booklet: ')}")) from exc
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
        raise BookletError(f"{source}: not a readable PDF ({exc})") from exc
    return data, reader


def _size(page: PageObject) -> tuple[float, float]:
    trim = page.trimbox
    return float(trim.width), float(trim.height)


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _page_form(writer: PdfWriter, page: PageObject, number: int, scale: float,
               budget: Budget) -> IndirectObject:
    """The page as a form XObject clipped to its TrimBox, its content stream unchanged."""
    width, height = (v * scale for v in _size(page))
    if page.rotation % 360:
        raise BookletError(f"page {number} is rotated ({page.rotation}°): impose the unrotated PDF")
    if width > SHEET[0] / 2 + TOLERANCE or height > SHEET[1] + TOLERANCE:
        raise BookletError(f"page {number} is {width / MM:.1f} × {height / MM:.1f} mm trimmed: "
                           "larger than A5, it does not fit half an A4 sheet at 100 %")
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else ArrayObject()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(decoded(stream, budget) for stream in streams))  # bounded, as preflight's
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.trimbox),
        NameObject("/Resources"): page.get("/Resources", DictionaryObject()).clone(writer),
    })
    if "/Group" in page:  # the page's transparency group: keep its blending colour space
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return writer._add_object(form.flate_encode())


def _document(writer: PdfWriter, reader: PdfReader, data: bytes, duplex: bool) -> None:
    """Title and the rest of the metadata, language, output intent, print dialog defaults, /ID."""
    info = reader.metadata or {}
    producer = "; ".join(p for p in (info.get("/Producer"), f"imposed with pypdf {pypdf.__version__}") if p)
    writer.add_metadata({**{k: info[k] for k in INFO_KEYS if k in info}, "/Producer": producer})
    catalog = reader.trailer["/Root"]
    root = writer.root_object
    for key in ("/Lang", "/OutputIntents"):
        if key in catalog:
            root[NameObject(key)] = catalog.raw_get(key).clone(writer)
    # No "fit to page" (and, for a booklet, duplex on the short edge) in viewers that honour these.
    preferences = DictionaryObject({NameObject("/PrintScaling"): NameObject("/None")})
    if duplex:
        preferences[NameObject("/Duplex")] = NameObject("/DuplexFlipShortEdge")
    root[NameObject("/ViewerPreferences")] = preferences
    # pypdf writes no /ID unless asked, and would make a random one: derive it from the input.
    digest = ByteStringObject(hashlib.sha256(b"impose-a4\0" + data).digest()[:16])
    writer._ID = ArrayObject([digest, digest])


@click.command("impose")
@click.argument("pdf", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Where to write it (default: next to the input, e.g. dist/{SLUG}-a4-imposed.pdf).")
@click.pass_obj
def cli_command(obj: dict | None, pdf: Path | None, output: Path | None) -> None:
    """Impose the print PDF (default: dist/kaere-chef-kaere-ledere.pdf) for an office printer:
    A5 pages two-up on landscape A4, trimmed, at 100 %, to print duplex (flip on the short
    edge), fold and staple."""
    root = Path((obj or {}).get("root", "."))
    source = pdf or root / "dist" / f"{SLUG}.pdf"
    target = output or source.with_name(f"{source.stem}-a4-imposed.pdf")
    try:
        project = Project.at(root)
        inputs = project.inputs(project.root / DEFAULT_ICC)
    except BookletError:  # any PDF, outside a project: nothing of a project to protect
        inputs = []
    sides = impose(source, target, inputs)
    click.echo(f"{target} ({sides // 2} sheets, duplex, flip on short edge)")
