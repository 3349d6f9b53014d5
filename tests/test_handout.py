"""Single-wish handouts: the same layout as the booklet, a footer, A5 pair or A4 sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from booklet.cli import main
from booklet.errors import BookletError
from booklet.handout import handout
from booklet.preflight import preflight
from booklet.verify import A5

from .conftest import ROOT, Subsetter, page_texts

A4_LANDSCAPE = (841.89, 595.28)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a5_handout_is_the_spread_with_a_footer(subsetter: Subsetter, tmp_path: Path):
    out = tmp_path / "h.pdf"
    result = handout(ROOT, "strategisk-retning", output=out)
    assert result.pages == 2
    letter, reply = (flat(t) for t in page_texts(out))
    assert letter.startswith("”") or "Kære chef!" in letter
    assert "Vi har brug for, at … du sætter en tydelig strategisk retning for vores ledelse" in letter
    assert "Kære ledere!" in reply and "Mine forventninger til jer er især" in reply
    for text in (letter, reply):
        assert "Kære chef! Kære ledere! · Ønske 1 af 6 · Væksthus for Ledelse · lederweb.dk" in text
    reader = PdfReader(out)
    assert reader.metadata.title.startswith("1. du sætter en tydelig strategisk retning")
    assert [o.title for o in reader.outline][0] == "1. Du sætter en tydelig strategisk retning for vores ledelse"
    trim = [float(v) for v in reader.pages[0]["/TrimBox"]]
    assert trim[2] - trim[0] == pytest.approx(A5[0], abs=0.01)
    report = preflight(out.read_bytes(), "print", marks="crop")  # crop marks in a slug, as the booklet's
    assert report.check("printer's marks").summary == "8 marks on every page, outside the bleed, on top of the page"
    assert "5 mm slug" in report.check("page boxes").summary
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/OutputConditionIdentifier"] == "FOGRA39"
    again = tmp_path / "again.pdf"
    handout(ROOT, "1", output=again)
    assert again.read_bytes() == out.read_bytes()
    assert subsetter.was_used()


def test_a4_sheet_fits_an_office_printer(subsetter: Subsetter, tmp_path: Path):
    out = tmp_path / "a4.pdf"
    handout(ROOT, "4", layout="a4", output=out)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert [float(v) for v in page.mediabox][2:] == pytest.approx(A4_LANDSCAPE, abs=0.1)
    assert reader.metadata.title.startswith("4. du understøtter godt samarbejde")
    text = flat(page_texts(out)[0])
    assert "Kære chef!" in text and "Kære ledere!" in text and "Ønske 4 af 6" in text
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(out))
    image = pdf[0].render(scale=1).to_pil().convert("RGB")
    pdf.close()
    w, h = image.size
    margin = round(7.5 * 72 / 25.4)  # nothing printed in the outer 7.5 mm
    for x, y in [(margin // 2, h // 2), (w - margin // 2, h // 2), (w // 2, margin // 2), (w // 2, h - margin // 2)]:
        assert image.getpixel((x, y)) == (255, 255, 255), (x, y)
    again = tmp_path / "again.pdf"
    handout(ROOT, "4", layout="a4", output=again)
    assert again.read_bytes() == out.read_bytes()
    assert subsetter.was_used()


def test_a5_handout_with_bare_boxes(tmp_path: Path):
    out = tmp_path / "bare.pdf"
    result = CliRunner().invoke(main, ["--root", str(ROOT), "handout", "2", "--marks", "none", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for page in PdfReader(out).pages:
        assert [float(v) for v in page.mediabox] == [float(v) for v in page.bleedbox]
    assert preflight(out.read_bytes(), "print", marks="none").check("printer's marks").passed


def test_edition_handout_names_the_organisation(tmp_path: Path):
    out = tmp_path / "e.pdf"
    handout(ROOT, "3", edition="eksempel-kommune", variant="screen", output=out)
    assert all("Eksempel Kommune" in flat(t) for t in page_texts(out))


def test_unknown_wish_lists_valid_ones_and_bad_combinations():
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(ROOT), "handout", "nine"])
    assert result.exit_code == 1
    assert "unknown wish 'nine': valid wishes are 1 (strategisk-retning), 2 (ledelsesrum-og-tillid)" in result.output
    result = runner.invoke(main, ["--root", str(ROOT), "handout", "1", "--layout", "a4", "--variant", "print"])
    assert result.exit_code == 1 and "office printers" in result.output
    result = runner.invoke(main, ["--root", str(ROOT), "handout"])
    assert result.exit_code == 1 and "or give --all" in result.output
    result = runner.invoke(main, ["--root", str(ROOT), "handout", "1", "--layout", "a4", "--marks", "crop"])
    assert result.exit_code == 1 and "it has no crop marks" in result.output
    with pytest.raises(BookletError, match="unknown layout"):
        handout(ROOT, "1", layout="letter")


def test_all_handouts_default_names(project: Path):
    result = CliRunner().invoke(main, ["--root", str(project), "handout", "--all", "--layout", "a4"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (project / "dist/handouts").glob("*.pdf"))
    assert names == ["1-strategisk-retning-a4.pdf", "2-ledelsesrum-og-tillid-a4.pdf", "3-sparring-a4.pdf",
                     "4-samarbejde-a4.pdf", "5-anerkendelse-a4.pdf", "6-kompetencer-a4.pdf"]


def test_a_cold_fit_search_gives_the_bytes_of_a_warm_one(project: Path, tmp_path: Path):
    """The fit cache changes the time, never the bytes. Wish 4's reply makes the search meet
    a quote-band split it laid out before; the final layout must be that split's, not the
    last render's."""
    cold = handout(project, "4", output=tmp_path / "cold.pdf").output
    assert (project / "dist/.cache/fit.json").is_file()
    warm = handout(project, "4", output=tmp_path / "warm.pdf").output
    assert warm.read_bytes() == cold.read_bytes()
