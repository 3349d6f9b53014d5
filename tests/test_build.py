"""The built booklet itself: read back from the real PDFs, not assumed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.build import build, check
from booklet.errors import BookletError
from booklet.fonts import declared_families
from booklet.verify import A5, BLEED, check_pdf, pdf_fonts

from .conftest import ROOT, page_texts, words

SEED = Path(__file__).parent / "data" / "seed.txt"
FAMILIES = declared_families(ROOT / "layouts/css/1-fonts.css")


def mended_seed() -> str:
    """The seed with its extraction artifacts mended as the brief says (never its words)."""
    text = SEED.read_text(encoding="utf-8")
    text = re.sub(r"(\w)-\n(?:[ \t]*\n)*[ \t]*(\w)", r"\1\2", text)  # words broken at line ends
    text = text.replace("f inde", "finde").replace("\n1919\n", "\n")
    return text


@pytest.fixture(params=["print PDF", "web page", "EPUB"])
def output_text(request: pytest.FixtureRequest) -> str:
    """The text of each output: the PDF's pages, the web page's, the e-book's XHTML."""
    if request.param == "print PDF":
        return " ".join(page_texts(request.getfixturevalue("print_pdf")))
    return request.getfixturevalue("web_text" if request.param == "web page" else "epub_text")


def test_every_word_of_the_seed_is_in_every_output(output_text: str):
    seed = Counter(words(mended_seed()))
    found = Counter(words(output_text))
    missing = {w: n - found[w] for w, n in seed.items() if found[w] < n}
    assert not missing, f"words of the seed missing: {missing}"


def test_nothing_is_invented(output_text: str):
    seed = set(words(mended_seed()))
    found = set(words(output_text))
    extra = {w for w in found - seed if not w.isdigit()}  # page and wish numbers
    assert not extra, f"words that the seed does not have: {extra}"


def test_page_plan_and_spreads(print_pdf: Path):
    texts = page_texts(print_pdf)
    assert len(texts) == 20 and len(texts) % 4 == 0
    content = check(ROOT)
    assert " ".join(texts[0].split()).startswith(content.booklet.title)
    assert texts[1].count("Sådan er") == 2  # inside front cover: the two boxes
    assert texts[2].lstrip().startswith("Forord")
    for index, wish in enumerate(content.wishes):
        letter, reply = 6 + 2 * index, 7 + 2 * index  # 1-based page numbers
        assert letter % 2 == 0
        assert "Kære chef!" in texts[letter - 1] and wish.letter.title in " ".join(texts[letter - 1].split())
        assert "Kære ledere!" in texts[reply - 1] and wish.reply.title in " ".join(texts[reply - 1].split())
        # each side is exactly one page: its last bullet is on it
        assert " ".join(wish.letter.risks[-1].split()[-3:]) in " ".join(texts[letter - 1].split())
        assert " ".join(wish.reply.expectations[-1].split()[-3:]) in " ".join(texts[reply - 1].split())
    assert "Om Væksthus for Ledelse" in texts[17] and "Andre tilbud" in texts[18]
    assert " ".join(texts[19].split()).startswith(content.booklet.back_cover.question)


def test_page_numbers_on_body_pages_only(print_pdf: Path):
    texts = page_texts(print_pdf)
    for number, text in enumerate(texts, start=1):
        tokens = text.split()
        has_number = str(number) in tokens
        assert has_number == (1 < number < 20), f"page {number}"


def test_print_boxes_output_intent_and_fonts(print_pdf: Path):
    data = print_pdf.read_bytes()
    assert check_pdf(data, "print", FAMILIES) == []
    reader = PdfReader(print_pdf)
    for page in reader.pages:
        trim = [float(v) for v in page["/TrimBox"]]
        bleed = [float(v) for v in page["/BleedBox"]]
        assert trim[2] - trim[0] == pytest.approx(A5[0], abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(A5[1], abs=0.01)
        expected = [trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED]
        assert bleed == pytest.approx(expected, abs=0.01)
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/OutputConditionIdentifier"] == "FOGRA39"
    assert intent["/DestOutputProfile"].get_object()["/N"] == 4
    assert b"PDF/X-4" in data
    fonts = pdf_fonts(reader)
    assert fonts and all(fonts.values()), "every font embedded"
    assert {"Booklet Sans", "Booklet Serif"} == FAMILIES
    assert {name.split("+")[-1] for name in fonts} <= {
        "Booklet-Sans", "Booklet-Sans-Italic", "Booklet-Sans-Semi-Bold", "Booklet-Sans-Bold",
        "Booklet-Sans-Bold-Italic", "Booklet-Serif-Italic", "Booklet-Serif-Semi-Bold-Italic"}
    assert all("+" in name for name in fonts), "fonts are subset"


def test_colour_runs_into_the_bleed(print_pdf: Path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(print_pdf))
    try:
        cover = pdf[0].render(scale=1).to_pil().convert("RGB")
        letter = pdf[5].render(scale=1).to_pil().convert("RGB")  # page 6, band on the left edge
    finally:
        pdf.close()
    w, h = cover.size
    corner = cover.getpixel((1, 1))
    assert corner != (255, 255, 255) and corner == cover.getpixel((w // 2, h // 2 + 40))
    assert letter.getpixel((2, 30)) != (255, 255, 255), "the quote band bleeds off the outer edge"
    assert letter.getpixel((letter.size[0] - 2, 30)) == (255, 255, 255), "and not off the spine"


def test_screen_variant_is_accessible(screen_pdf: Path):
    data = screen_pdf.read_bytes()
    assert check_pdf(data, "screen", FAMILIES) == []
    reader = PdfReader(screen_pdf)
    root = reader.trailer["/Root"]
    assert root["/PageLayout"] == "/TwoPageRight"
    assert root["/Lang"] == "da" and root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root and "/OutputIntents" not in root
    meta = reader.metadata
    assert meta.title.startswith("Kære chef!") and meta.author == "Væksthus for Ledelse" and meta.subject
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[2:4] == ["Forord", "Same same, but different!"]
    for wish in check(ROOT).wishes:
        assert f"{wish.number}. {wish.letter.title}" in titles
    assert titles[-2:] == ["Om Væksthus for Ledelse", "Andre tilbud fra Væksthus for Ledelse"]
    links = [a.get_object()["/A"]["/URI"] for p in reader.pages for a in p.get("/Annots", [])
             if "/A" in a.get_object()]
    assert "https://lederweb.dk" in links
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *A5], abs=0.01)


def test_rebuild_is_byte_identical(print_pdf: Path, tmp_path: Path):
    again = tmp_path / "again.pdf"
    build(ROOT, "print", again)
    assert again.read_bytes() == print_pdf.read_bytes()


def test_source_date_epoch_sets_the_dates(project: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = project / "dist" / "b.pdf"
    build(project, "screen", out)
    assert PdfReader(out).metadata["/CreationDate"] == "D:20231114221320Z"


def test_html_output_renders_the_same_booklet(print_pdf: Path):
    html = print_pdf.with_suffix(".html").read_text()
    assert html.startswith("<!DOCTYPE html>") and 'lang="da"' in html


def test_overflow_fails_naming_wish_side_and_amount_and_keeps_the_old_pdf(project: Path):
    out = project / "dist" / "booklet.pdf"
    out.parent.mkdir()
    out.write_bytes(b"%PDF-old")
    wish = project / "source/wishes/4-samarbejde.yaml"
    text = wish.read_text()
    long = "At I " + "tager ansvar for fællesskabet og bidrager til det, " * 30
    text = text.replace("  expectations:\n", f'  expectations:\n    - "{long}"\n', 1)
    wish.write_text(text)
    with pytest.raises(BookletError) as caught:
        build(project, "print", out)
    (message,) = [str(p) for p in caught.value.problems]
    assert re.fullmatch(r"wish 4 \(samarbejde\), reply: does not fit its page, "
                        r"\d+(\.\d)? mm over at the smallest type size", message), message
    assert out.read_bytes() == b"%PDF-old"
    assert [p.name for p in out.parent.iterdir()] == ["booklet.pdf"]  # no temporary left behind


def test_a_glyph_missing_from_our_fonts_fails_the_build(project: Path):
    path = project / "source/back-matter.yaml"
    path.write_text(path.read_text().replace("Prøv det hele", "Prøv ☃ det hele"))
    with pytest.raises(BookletError) as caught:
        build(project, "print", project / "out.pdf")
    assert "has no glyph for '☃' (U+2603)" in str(caught.value)
    assert not (project / "out.pdf").exists()


def test_a_missing_font_file_fails_the_build(project: Path):
    (project / "fonts/SourceSerif4-Italic.ttf").unlink()
    with pytest.raises(BookletError) as caught:
        build(project, "print", project / "out.pdf")
    assert "font file is missing: SourceSerif4-Italic.ttf" in str(caught.value)


def test_print_shop_profile(project: Path, tmp_path: Path):
    bad = tmp_path / "rgb.icc"
    bad.write_bytes(b"\0" * 16 + b"RGB " + b"\0" * 100)
    with pytest.raises(BookletError, match="not a CMYK ICC profile"):
        build(project, "print", tmp_path / "x.pdf", icc=bad)
