"""Verify stage: check the written PDF itself, not what we meant to write.

Used by every build (a failed check aborts before anything is written) and by the tests.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
BLEED = 3 * MM
TOLERANCE = 0.05  # points


@dataclass(frozen=True)
class Finding:
    page: int  # 1-based; 0 for the whole document
    message: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}" if self.page else self.message


def _box(page, name: str) -> tuple[float, float, float, float]:
    box = page.get(name)
    box = page.mediabox if box is None else box
    return tuple(float(v) for v in box)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def pdf_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font used on any page -> whether its program is embedded."""
    found: dict[str, bool] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        for font in (resources.get("/Font", DictionaryObject()).get_object()).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont", "?")).lstrip("/")] = embedded
        for xobject in (resources.get("/XObject", DictionaryObject()).get_object()).values():
            visit(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def is_ours(pdf_font: str, families: set[str]) -> bool:
    """WeasyPrint names an embedded font after its @font-face family (spaces as dashes)."""
    base = pdf_font.split("+", 1)[-1]
    return any(base == f.replace(" ", "-") or base.startswith(f.replace(" ", "-") + "-") for f in families)


def check_pdf(data: bytes, variant: str, families: set[str]) -> list[Finding]:
    reader = PdfReader(io.BytesIO(data))
    findings: list[Finding] = []
    count = len(reader.pages)
    if count % 4:
        findings.append(Finding(0, f"{count} pages: a saddle-stitched booklet needs a multiple of 4"))
    bleed = BLEED if variant == "print" else 0.0
    for number, page in enumerate(reader.pages, start=1):
        trim = _box(page, "/TrimBox")
        if not (_close(trim[2] - trim[0], A5[0]) and _close(trim[3] - trim[1], A5[1])):
            findings.append(Finding(number, f"TrimBox {trim} is not A5"))
        bleedbox = _box(page, "/BleedBox")
        expected = (trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed)
        if not all(_close(a, b) for a, b in zip(bleedbox, expected, strict=True)):
            findings.append(Finding(number, f"BleedBox {bleedbox} is not the trim plus {bleed / MM:g} mm"))
        media = _box(page, "/MediaBox")
        if not (media[0] <= bleedbox[0] + TOLERANCE and media[1] <= bleedbox[1] + TOLERANCE
                and media[2] >= bleedbox[2] - TOLERANCE and media[3] >= bleedbox[3] - TOLERANCE):
            findings.append(Finding(number, f"MediaBox {media} does not hold the BleedBox"))
    fonts = pdf_fonts(reader)
    if not fonts:
        findings.append(Finding(0, "no fonts found: the text cannot be checked"))
    for name, embedded in sorted(fonts.items()):
        if not embedded:
            findings.append(Finding(0, f"font {name} is not embedded"))
        if not is_ours(name, families):
            findings.append(Finding(0, f"font {name} is not one of the families in fonts/ "
                                       f"({', '.join(sorted(families))}): a system font slipped in"))
    catalog = reader.trailer["/Root"]
    if variant == "print":
        findings += _check_output_intent(catalog)
    else:
        findings += _check_accessible(reader, catalog)
    return findings


def _check_output_intent(catalog) -> list[Finding]:
    intents = catalog.get("/OutputIntents")
    if not isinstance(intents, ArrayObject) or not intents:
        return [Finding(0, "no output intent")]
    intent = intents[0].get_object()
    profile = intent.get("/DestOutputProfile")
    if intent.get("/S") != "/GTS_PDFX" or profile is None:
        return [Finding(0, "output intent is not a PDF/X intent with an embedded profile")]
    profile = profile.get_object()
    if profile.get("/N") != 4 or profile.get_data()[16:20] != b"CMYK":
        return [Finding(0, "output intent profile is not CMYK")]
    return []


def _check_accessible(reader: PdfReader, catalog) -> list[Finding]:
    findings = []
    if "/StructTreeRoot" not in catalog or not catalog.get("/MarkInfo", {}).get("/Marked"):
        findings.append(Finding(0, "not tagged (no structure tree)"))
    if not catalog.get("/Lang"):
        findings.append(Finding(0, "no document language"))
    if not (reader.metadata and reader.metadata.title):
        findings.append(Finding(0, "no title in the metadata"))
    if not reader.outline:
        findings.append(Finding(0, "no outline"))
    return findings
