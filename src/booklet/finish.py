"""Finish stage: crop marks, PDF metadata, output intent, viewer settings; the bytes to write
(written atomically by files.write_atomic)."""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pydyf
from weasyprint import Document

from .errors import BookletError
from .files import write_cache
from .render import PDF_OPTIONS, weasyprint_warnings_fail

# The printing condition of layouts/icc/FOGRA39_ISOcoated_v2_300_bas.icc (see its README).
FOGRA39 = {
    "OutputConditionIdentifier": "FOGRA39",
    "RegistryName": "http://www.color.org",
    "OutputCondition": "Offset commercial printing according to ISO 12647-2:2004/Amd 1, "
    "paper type 1 or 2 (coated), 60/cm",
    "Info": "ISO Coated v2 300% (basICColor)",
}


MM = 72 / 25.4
# The slug, beyond the bleed on every side, holds the marks: 5 mm is a 4 mm mark kept 0.5 mm clear
# of the BleedBox (not even a stroke's end in the bleed) and 0.5 mm clear of the sheet's edge
# (which a RIP may clip), and the page stays small (164 × 226 mm) for a shop's imposition sheet.
SLUG = 5 * MM
MARK_GAP = 0.5 * MM
MARK_LENGTH = 4 * MM
MARK_WIDTH = 0.25  # points: a hairline, as crop marks are
REGISTRATION = b"1 1 1 1 K"  # all four inks, so a mark shows on every plate


def output_intent(icc: Path, default: bool) -> dict[str, str]:
    """The output intent's printing condition: FOGRA39's for our profile; for a print shop's
    own, "Custom" described by the profile's own description (as PDF/X asks of a condition
    outside the ICC registry)."""
    if default:
        return FOGRA39
    from PIL import ImageCms

    description = " ".join(ImageCms.getProfileDescription(str(icc)).split()) or icc.name
    return {"OutputConditionIdentifier": "Custom", "OutputCondition": description, "Info": description}


def make_finisher(variant: str, intent: dict[str, str], seed: bytes, cache: Path | None = None,
                  marks: str = "none"):
    """Post-process the pydyf PDF before it is written (WeasyPrint's finisher hook)."""

    def finish(document: Document, pdf: pydyf.PDF) -> None:
        if variant == "print":
            if marks == "crop":
                _crop_marks(pdf)
            _precompressed_profile(pdf, cache)
            output = pdf.catalog["OutputIntents"][0]
            for key, value in intent.items():
                output[key] = pydyf.String(value)
        else:
            pdf.catalog["PageLayout"] = "/TwoPageRight"
            pdf.catalog["PageMode"] = "/UseOutlines"
            pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        _fix_document_id(pdf, seed)
        _date_fonts(pdf, document)

    return finish


def _crop_marks(pdf: pydyf.PDF) -> None:
    """Grow each page's MediaBox by the slug and draw the eight crop marks in it, last, so no
    page content covers them (WeasyPrint's own `marks: crop` draws them first, inside the bleed,
    where a bleeding band or cover paints over them). TrimBox and BleedBox stay as they are."""
    for number in pdf.pages["Kids"][::3]:  # Kids is [number, 0, "R", ...]
        page = pdf.objects[number]
        trim, bleed = _box(page["TrimBox"]), _box(page["BleedBox"])
        page["MediaBox"] = pydyf.Array(_num(v) for v in (bleed[0] - SLUG, bleed[1] - SLUG,
                                                           bleed[2] + SLUG, bleed[3] + SLUG))
        contents = pdf.objects[int(page["Contents"].split()[0])]
        # WeasyPrint's stream starts with a bare `cm` (its y-down space): q … Q puts the marks
        # back in the default space and state
        contents.stream.insert(0, b"q")
        contents.stream.append(b"Q\n" + _marks_ops(trim, bleed))


def _box(values) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in values)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _num(value: float) -> float:
    return round(value, 6)  # as WeasyPrint writes its boxes; no float noise in the bytes


def _marks_ops(trim: tuple[float, ...], bleed: tuple[float, ...]) -> bytes:
    """Eight strokes on the trim lines, each from MARK_GAP outside the BleedBox outwards."""
    x0, y0, x1, y1 = trim
    left, right = bleed[0] - MARK_GAP, bleed[2] + MARK_GAP
    bottom, top = bleed[1] - MARK_GAP, bleed[3] + MARK_GAP
    lines = []
    for y in (y0, y1):  # on the bottom and top trim lines, out to the left and to the right
        lines += [(left, y, left - MARK_LENGTH, y), (right, y, right + MARK_LENGTH, y)]
    for x in (x0, x1):  # on the left and right trim lines, down and up
        lines += [(x, bottom, x, bottom - MARK_LENGTH), (x, top, x, top + MARK_LENGTH)]
    path = "\n".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in lines)
    return b"q " + REGISTRATION + f" {MARK_WIDTH:g} w 0 J [] 0 d\n{path}\nS\nQ".encode()


def _precompressed_profile(pdf: pydyf.PDF, cache: Path | None) -> None:
    """pydyf deflates the 1 MB output profile at level 9 in every PDF (0.3 s); deflate it at
    level 6 instead (a fifth of the time, 0.6 % larger) and keep it, so each PDF reuses
    identical bytes."""
    for obj in pdf.objects:
        if not (isinstance(obj, pydyf.Stream) and obj.compress and obj.extra.get("N") == 4):
            continue
        raw = b"".join(p if isinstance(p, bytes) else str(p).encode() for p in obj.stream)
        if raw[36:40] != b"acsp":  # the ICC signature
            continue
        obj.stream = [_deflated(raw, cache)]
        obj.compress = False
        obj.extra["Filter"] = "/FlateDecode"


def _deflated(raw: bytes, cache: Path | None) -> bytes:
    path = cache / f"icc-{hashlib.sha256(raw).hexdigest()[:16]}.deflate" if cache else None
    if path is not None and path.is_file():
        return path.read_bytes()
    packer = zlib.compressobj(level=6)
    data = packer.compress(raw) + packer.flush()
    if path is not None:
        write_cache(data, path)
    return data


def _fix_document_id(pdf: pydyf.PDF, seed: bytes) -> None:
    """WeasyPrint puts a random xmpMM:DocumentID in PDF/X-4 metadata; derive it from the input."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    number = int(reference.split()[0])
    stream = pdf.objects[number]
    stable = f"xmp.did:{uuid.UUID(bytes=hashlib.sha256(seed).digest()[:16])}".encode()
    stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable, part) for part in stream.stream]


def _date_fonts(pdf: pydyf.PDF, document: Document) -> None:
    """Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps each
    subset's head.modified with the clock: date every embedded font with the document's own
    date instead (the font's creation date if the document has none), so the same input gives
    the same bytes whichever subsetter ran."""
    modified = document.metadata.modified
    when = None
    if modified:
        date = datetime.fromisoformat(modified)
        date = date if date.tzinfo else date.replace(tzinfo=UTC)  # not the machine's zone
        when = (int(date.timestamp()) + SFNT_EPOCH).to_bytes(8, "big")
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/FontDescriptor":
            for key in ("FontFile2", "FontFile3"):
                if key in obj:
                    stream = pdf.objects[int(obj[key].split()[0])]
                    stream.stream = [_redated(bytes(stream.stream[0]), when)]


SFNT_EPOCH = 2082844800  # seconds from 1904-01-01, the sfnt epoch, to 1970-01-01


def _redated(font: bytes, when: bytes | None) -> bytes:
    """The font with head.modified set to ``when`` (or head.created) and its checksums
    updated; every other byte as it was."""
    data = bytearray(font)
    for entry in range(12, 12 + 16 * int.from_bytes(font[4:6], "big"), 16):
        if data[entry:entry + 4] == b"head":
            offset, length = struct.unpack(">II", data[entry + 8:entry + 16])
            data[offset + 28:offset + 36] = when or data[offset + 20:offset + 28]
            data[offset + 8:offset + 12] = bytes(4)  # checkSumAdjustment counts as 0 in the sums
            data[entry + 4:entry + 8] = _checksum(data[offset:offset + length]).to_bytes(4, "big")
            data[offset + 8:offset + 12] = ((0xB1B0AFBA - _checksum(data)) % 2**32).to_bytes(4, "big")
            break
    return bytes(data)


def _checksum(data: bytes | bytearray) -> int:
    padded = bytes(data) + bytes(-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) % 2**32


def pdf_bytes(document: Document, variant: str, intent: dict[str, str], seed: bytes,
              cache: Path | None = None, marks: str = "none") -> bytes:
    if variant == "print":
        # on paper a link does nothing, and PDF/X wants no annotation in the printed area: the
        # print PDF has none (the screen PDF keeps its links); WeasyPrint makes one of each link
        for page in document.pages:
            page.links.clear()
    try:
        with weasyprint_warnings_fail():
            return document.write_pdf(
                finisher=make_finisher(variant, intent, seed, cache, marks),
                **PDF_OPTIONS[variant],
            )
    except OSError as exc:
        raise BookletError(f"cannot write the PDF: {exc}") from exc
