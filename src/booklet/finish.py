"""Finish stage: PDF metadata, output intent, viewer settings, and an atomic write."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import struct
import tempfile
import uuid
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pydyf
from weasyprint import Document

from .errors import BookletError
from .render import PDF_OPTIONS, weasyprint_warnings_fail

# The printing condition of layouts/icc/FOGRA39_ISOcoated_v2_300_bas.icc (see its README).
FOGRA39 = {
    "OutputConditionIdentifier": "FOGRA39",
    "RegistryName": "http://www.color.org",
    "OutputCondition": "Offset commercial printing according to ISO 12647-2:2004/Amd 1, "
    "paper type 1 or 2 (coated), 60/cm",
    "Info": "ISO Coated v2 300% (basICColor)",
}


def make_finisher(variant: str, icc_is_default: bool, seed: bytes, cache: Path | None = None):
    """Post-process the pydyf PDF before it is written (WeasyPrint's finisher hook)."""

    def finish(document: Document, pdf: pydyf.PDF) -> None:
        if variant == "print":
            _registration_crop_marks(pdf)
            _precompressed_profile(pdf, cache)
            intent = pdf.catalog["OutputIntents"][0]
            if icc_is_default:
                for key, value in FOGRA39.items():
                    intent[key] = pydyf.String(value)
        else:
            pdf.catalog["PageLayout"] = "/TwoPageRight"
            pdf.catalog["PageMode"] = "/UseOutlines"
            pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        _fix_document_id(pdf, seed)
        _date_fonts(pdf, document)

    return finish


def _registration_crop_marks(pdf: pydyf.PDF) -> None:
    """WeasyPrint draws crop marks as DeviceRGB black; a PDF/X file wants them in CMYK, and a
    print shop in registration colour (all four inks), so they show on every plate."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/Form":
            parts = [p if isinstance(p, bytes) else str(p).encode() for p in obj.stream]
            if any(b"0 0 0 RG" in p for p in parts):
                obj.stream = [p.replace(b"0 0 0 RG", b"1 1 1 1 K").replace(b"0 0 0 rg", b"0 0 0 0 k")
                              for p in parts]


def _precompressed_profile(pdf: pydyf.PDF, cache: Path | None) -> None:
    """pydyf deflates the 1 MB output profile at level 9 in every PDF (0.4 s); deflate it
    once, the same way, and keep it, so each PDF reuses identical bytes."""
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
    packer = zlib.compressobj(level=9)  # as pydyf does, so the PDF's bytes are unchanged
    data = packer.compress(raw) + packer.flush()
    if path is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_atomic(data, path)
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


def write_atomic(data: bytes, target: Path) -> None:
    """Write next to the target and rename over it: a failure leaves the old file intact."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def pdf_bytes(document: Document, variant: str, icc_is_default: bool, seed: bytes,
              cache: Path | None = None) -> bytes:
    try:
        with weasyprint_warnings_fail():
            return document.write_pdf(
                finisher=make_finisher(variant, icc_is_default, seed, cache),
                **PDF_OPTIONS[variant],
            )
    except OSError as exc:
        raise BookletError(f"cannot write the PDF: {exc}") from exc
