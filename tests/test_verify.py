"""The screen PDFs as veraPDF, the reference PDF/UA validator, rates them (independently of
the checks verify.py and preflight run on every build)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from .checkers import verapdf


def test_verapdf_rates_every_screen_pdf_pdf_ua_1_and_fails_one_made_to_break_it(
        screen_pdf: Path, edition_screen_pdfs: dict[str, Path], tmp_path: Path):
    # the booklet's screen PDF with its catalog's MarkInfo (Marked: true) taken out
    unmarked = tmp_path / "unmarked.pdf"
    writer = PdfWriter(clone_from=PdfReader(screen_pdf))
    del writer._root_object[NameObject("/MarkInfo")]
    writer.write(unmarked)
    good = [screen_pdf, *edition_screen_pdfs.values()]
    found = verapdf([*good, unmarked])
    for pdf in good:
        summary = found[pdf][0]
        assert summary.startswith("compliant, 0 of ") and int(summary.split()[3]) > 10_000, (pdf.name, found[pdf])
    assert found[unmarked][0].startswith("not compliant, 1 of ")
    assert any(line.startswith("6.2-1: ") for line in found[unmarked][1:]), found[unmarked]
