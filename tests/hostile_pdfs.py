"""PDFs made to make a reader work without end: small files that nest, repeat or decode into
far more than they are. Shared by the tests of preflight and impose."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from booklet.verify import A5, BLEED


def _pages(count: int = 4) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(count):
        page = writer.add_blank_page(A5[0] + 2 * BLEED, A5[1] + 2 * BLEED)
        page.mediabox = page.bleedbox = RectangleObject([-BLEED, -BLEED, A5[0] + BLEED, A5[1] + BLEED])
        page.trimbox = RectangleObject([0, 0, *A5])
    return writer


def _stream(writer: PdfWriter, data: bytes, **entries) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return writer._add_object(stream.flate_encode())


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nested_forms(depth: int, fan: int = 4) -> bytes:
    """Forms ``depth`` deep, each drawing the next ``fan`` times: fan ** depth draws."""
    writer = _pages()
    form = None
    for _ in range(depth):
        xobjects = DictionaryObject({NameObject("/F"): form}) if form else DictionaryObject()
        form = _stream(writer, b"q /F Do Q " * fan if form else b"0 0 1 1 re f", Type=NameObject("/XObject"),
                       Subtype=NameObject("/Form"), BBox=ArrayObject([NumberObject(v) for v in (0, 0, 9, 9)]),
                       Resources=DictionaryObject({NameObject("/XObject"): xobjects}))
    for page in writer.pages:
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/F"): form})})
        page[NameObject("/Contents")] = _stream(writer, b"/F Do")
    return _bytes(writer)


def repeated_contents(size: int = 70_000_000, times: int = 300) -> bytes:
    """One stream of ``size`` bytes (a few KB compressed) listed ``times`` in each page's /Contents."""
    writer = _pages()
    big = _stream(writer, b" " * size)
    for page in writer.pages:
        page[NameObject("/Contents")] = ArrayObject([big] * times)
    return _bytes(writer)


def many_operators(count: int = 5_000_000) -> bytes:
    writer = _pages()
    writer.pages[0][NameObject("/Contents")] = _stream(writer, b"q " * count)
    return _bytes(writer)


def with_page(key: str, value) -> bytes:
    """Four blank pages, the first with ``key`` set to ``value`` (a dangling /Contents, a bad
    /Rotate, a short /TrimBox)."""
    writer = _pages()
    writer.pages[0][NameObject(key)] = value(writer) if callable(value) else value
    return _bytes(writer)


HOSTILE = {
    "forms nested 10 deep": (lambda: nested_forms(10), "draws more than 500,000 operations"),
    "forms nested 30 deep": (lambda: nested_forms(30), "draws more than 500,000 operations"),
    "one 70 MB stream listed 300 times": (repeated_contents, "decodes to more than 128 MB"),
    "five million q": (many_operators, "holds more than 2,000,000 numbers, names and operators"),
    "a /Rotate of 45": (lambda: with_page("/Rotate", NumberObject(45)),
                        "page 1: not a readable page (/Rotate is 45, not a multiple of 90)"),
    "a /Rotate that is a name": (lambda: with_page("/Rotate", NameObject("/x")),
                                 "page 1: not a readable page (/Rotate is '/x', not a multiple of 90)"),
    "a /Rotate of 1e30": (lambda: with_page("/Rotate", FloatObject(1e30)), "page 1: not a readable page"),
    "a /TrimBox of three numbers": (
        lambda: with_page("/TrimBox", ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100)])),
        "page 1: not a readable page (Expected four values for /TrimBox, got 3"),
}


def aes_encrypted(tmp_path: Path, bits: int) -> Path | None:
    """A PDF encrypted with AES by qpdf (pypdf cannot write AES without the cryptography
    package, which booklet does not use); None without qpdf."""
    if shutil.which("qpdf") is None:
        return None
    plain, encrypted = tmp_path / "plain.pdf", tmp_path / f"aes{bits}.pdf"
    plain.write_bytes(_bytes(_pages()))
    extra = ["--use-aes=y"] if bits == 128 else []
    subprocess.run(["qpdf", "--encrypt", "", "owner", str(bits), *extra, "--", str(plain), str(encrypted)],
                   check=True)
    return encrypted


def blank(count: int = 4) -> bytes:
    """``count`` blank print pages (A5 with bleed), to feed a writer."""
    return _bytes(_pages(count))
