"""The built booklet itself: read back from the real PDFs, not assumed."""

from __future__ import annotations

import re
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from booklet.build import build, check
from booklet.cli import main
from booklet.errors import BookletError
from booklet.fonts import declared_families
from booklet.preflight import preflight
from booklet.verify import A5, BLEED, MM, check_pdf, pdf_fonts

from .conftest import ROOT, SESSION_SUBSETTER, Subsetter, copy_project, missing_tool, page_texts, words

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
    assert " ".join(texts[0].replace("\u201d", "").split()).startswith(content.booklet.title)  # no ornaments
    assert texts[1].lstrip().startswith("Forord")  # the inside front cover
    assert "Same same, but different!" in texts[2] and "Sådan er hæftet bygget op" in texts[4]  # the guide
    assert "Sådan er projektet gennemført" in texts[17]  # with the publisher
    for index, wish in enumerate(content.wishes):
        letter, reply = 6 + 2 * index, 7 + 2 * index  # 1-based page numbers
        assert letter % 2 == 0
        assert "Kære chef!" in texts[letter - 1] and wish.letter.title in " ".join(texts[letter - 1].split())
        assert "Kære ledere!" in texts[reply - 1] and wish.reply.title in " ".join(texts[reply - 1].split())
        # each side is exactly one page: its last bullet is on it
        assert " ".join(wish.letter.risks[-1].split()[-3:]) in " ".join(texts[letter - 1].split())
        assert " ".join(wish.reply.expectations[-1].split()[-3:]) in " ".join(texts[reply - 1].split())
    assert "Om Væksthus for Ledelse" in texts[17] and "Andre tilbud" in texts[18]
    assert " ".join(texts[19].replace("\u201d", "").split()).startswith(content.booklet.back_cover.question)


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


def test_colour_runs_into_the_bleed(bare_pdf: Path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(bare_pdf))  # MediaBox = BleedBox: the image is the bleed box
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


SLUG = 5 * MM  # the MediaBox beyond the BleedBox, with --marks crop
DPI = 300
CORNER = 16 * MM  # rendered at each corner of the MediaBox: slug, bleed and a little trim


def corners(pdf_path: Path):
    """Each page's four MediaBox corners rendered at 300 dpi: (page number, trim, corner name,
    the lightness (0-255) at a PDF point, the darkest within ``spread`` pixels of it)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for number, page in enumerate(pdf, start=1):
            left, bottom, right, top = page.get_mediabox()
            for name, (x, y) in {"top left": (left, top), "top right": (right - CORNER, top),
                                 "bottom left": (left, bottom + CORNER),
                                 "bottom right": (right - CORNER, bottom + CORNER)}.items():
                crop = (x - left, y - CORNER - bottom, right - x - CORNER, top - y)  # left, bottom, right, top
                image = page.render(scale=DPI / 72, crop=crop).to_pil().convert("L")
                yield number, page.get_trimbox(), name, partial(_lightness, image, (x, y))
    finally:
        pdf.close()


def _lightness(image, origin: tuple[float, float], x: float, y: float, spread: int = 1) -> int:
    px, py = round((x - origin[0]) * DPI / 72), round((origin[1] - y) * DPI / 72)
    return min(image.getpixel((i, j)) for i in range(px - spread, px + spread + 1)
               for j in range(py - spread, py + spread + 1))


def test_crop_marks_are_visible_on_every_page_at_300_dpi(print_pdf: Path):
    """Two marks at each trim corner, on the trim lines, in the slug from 3.5 mm to 7.5 mm off
    the trim (clear of the 3 mm bleed), dark on every page, bands and covers included."""
    checked = 0
    for number, trim, name, lightness in corners(print_pdf):
        vertical, horizontal = name.split()
        tx, dx = (trim[0], -1) if horizontal == "left" else (trim[2], 1)  # the trim corner, outwards
        ty, dy = (trim[1], -1) if vertical == "bottom" else (trim[3], 1)
        where = f"page {number}, {name}"
        for distance in (4 * MM, 5 * MM, 6 * MM, 7 * MM):  # along each mark: dark
            assert lightness(tx + dx * distance, ty) < 100, f"{where}: horizontal mark at {distance / MM:g} mm"
            assert lightness(tx, ty + dy * distance) < 100, f"{where}: vertical mark at {distance / MM:g} mm"
            for off in (-0.6 * MM, 0.6 * MM):  # beside it: the white slug, so the mark is a line on the trim
                assert lightness(tx + dx * distance, ty + off, 0) > 240, f"{where}: beside the horizontal mark"
                assert lightness(tx + off, ty + dy * distance, 0) > 240, f"{where}: beside the vertical mark"
        checked += 1
    assert checked == 4 * 20


def test_crop_marks_lie_in_a_slug_beyond_unchanged_boxes(print_pdf: Path, bare_pdf: Path):
    marked, bare = PdfReader(print_pdf), PdfReader(bare_pdf)
    assert len(marked.pages) == len(bare.pages) == 20
    for with_marks, without in zip(marked.pages, bare.pages, strict=True):
        bleed = [float(v) for v in with_marks.bleedbox]
        assert [float(v) for v in with_marks.trimbox] == [float(v) for v in without.trimbox]
        assert bleed == [float(v) for v in without.bleedbox]
        expected = [bleed[0] - SLUG, bleed[1] - SLUG, bleed[2] + SLUG, bleed[3] + SLUG]
        assert [float(v) for v in with_marks.mediabox] == pytest.approx(expected, abs=0.001)
        assert with_marks.get_contents().get_data().endswith(b"S\nQ")  # the marks are drawn last
    report = preflight(print_pdf.read_bytes(), "print", FAMILIES, marks="crop")
    assert report.check("printer's marks").summary == "8 marks on every page, outside the bleed, on top of the page"
    assert not report.check("printer's marks").notes  # in registration colour


def test_marks_none_writes_bare_boxes(bare_pdf: Path):
    data = bare_pdf.read_bytes()
    assert check_pdf(data, "print", FAMILIES, marks="none") == []
    report = preflight(data, "print", FAMILIES)
    assert report.check("printer's marks").summary == "none (a print shop that imposes marks the sheets itself)"
    for page in PdfReader(bare_pdf).pages:
        assert [float(v) for v in page.mediabox] == [float(v) for v in page.bleedbox]
        assert b"1 1 1 1 K" not in page.get_contents().get_data()
    assert check_pdf(data, "print", FAMILIES, marks="crop")[0].message == "0 printer's marks, not the 8 crop marks"


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
    assert titles[:3] == ["Forord", "Same same, but different!", "Sådan er hæftet bygget op"]
    for wish in check(ROOT).wishes:
        title = wish.letter.title  # «N. Title», capitalised as an entry (on the page it continues the lead)
        assert f"{wish.number}. {title[0].upper()}{title[1:]}" in titles
    assert titles[-3:] == ["Om Væksthus for Ledelse", "Sådan er projektet gennemført",
                           "Andre tilbud fra Væksthus for Ledelse"]
    links = [a.get_object()["/A"]["/URI"] for p in reader.pages for a in p.get("/Annots", [])
             if "/A" in a.get_object()]
    assert "https://lederweb.dk" in links
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *A5], abs=0.01)


def test_rebuild_is_byte_identical(subsetter: Subsetter, print_pdf: Path, tmp_path: Path):
    """On either font path; the session's booklet was built on this machine's path."""
    first = print_pdf
    if subsetter.name != SESSION_SUBSETTER:
        first = tmp_path / "first.pdf"
        build(ROOT, "print", first)
    again = tmp_path / "again.pdf"
    build(ROOT, "print", again)
    assert again.read_bytes() == first.read_bytes()
    assert subsetter.was_used()


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


def test_content_pages_too_long_fail_without_the_tightening_search(project: Path):
    """Text within every limit but many pages long: no type size can fit it, so the build
    says so after one layout instead of trying each tightening level."""
    wish = project / "source/wishes/2-ledelsesrum-og-tillid.yaml"
    bullet = ("ledelse af ledere " * 200)[:2990]
    wish.write_text(wish.read_text().replace("  implies:\n", "  implies:\n" + f'    - "{bullet}"\n' * 20, 1))
    with pytest.raises(BookletError) as caught:
        build(project, "print", project / "out.pdf")
    (message,) = [str(p) for p in caught.value.problems]
    assert re.fullmatch(r"wish 2 \(ledelsesrum-og-tillid\), letter: does not fit its page, \d+(\.\d)? mm over: "
                        r"more than a page too long for any type size", message), message
    assert not (project / "out.pdf").exists()


def test_a_glyph_missing_from_our_fonts_is_named_at_its_line_by_check(project: Path):
    path = project / "source/back-matter.yaml"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "Prøv det hele" in text)
    path.write_text(path.read_text().replace("Prøv det hele", "Prøv ☃ det hele"))
    result = CliRunner().invoke(main, ["--root", str(project), "check"])
    assert result.exit_code == 1
    (message,) = result.output.splitlines()
    assert message.startswith(f"source/back-matter.yaml:{line}: the fonts have no glyph for '☃' (U+2603) in ")
    with pytest.raises(BookletError) as caught:
        build(project, "print", project / "out.pdf")
    assert [str(p) for p in caught.value.problems] == [message]
    assert not (project / "out.pdf").exists()


def test_a_missing_font_file_fails_the_build(project: Path):
    (project / "fonts/BookletSerif-Italic.ttf").unlink()
    with pytest.raises(BookletError) as caught:
        build(project, "print", project / "out.pdf")
    assert "font file is missing: BookletSerif-Italic.ttf" in str(caught.value)


SWOP = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # another print shop's: Artifex's SWOP


@pytest.mark.parametrize("variant", ["print", "screen"])
@pytest.mark.parametrize("header", [b"\0" * 16 + b"RGB ", b"\0" * 16 + b"CMYK"])
def test_a_bad_print_shop_profile_is_one_line_in_every_build(project: Path, tmp_path: Path, variant: str,
                                                            header: bytes):
    """Garbage after a plausible header is not a profile, in a print, screen or edition build."""
    bad = tmp_path / "shop.icc"
    bad.write_bytes(header + b"garbage" * 100)
    for edition in ([], ["--edition", "eksempel-kommune"]):
        result = CliRunner().invoke(main, ["--root", str(project), "build", "--variant", variant, "--icc",
                                           str(bad), "-o", str(tmp_path / "x.pdf"), *edition])
        assert result.exit_code == 1
        assert result.output.startswith(f"{bad}: not an ICC profile LittleCMS can read: ")
        assert len(result.output.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "shop.icc"]


def test_a_profile_that_is_not_a_cmyk_output_profile_is_refused(project: Path, tmp_path: Path):
    rgb = tmp_path / "srgb.icc"
    from PIL import ImageCms

    rgb.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    with pytest.raises(BookletError) as caught:
        build(project, "print", tmp_path / "x.pdf", icc=rgb)
    assert str(caught.value.problems[0]) == (f"{rgb}: not a CMYK output profile (it is a RGB 'mntr' "
                                             "profile; the output intent needs CMYK 'prtr')")


def test_a_print_shop_profile_is_the_output_intent(project: Path, tmp_path: Path):
    """--icc embeds the given profile's own bytes, described by its own description; and it is
    the profile the screen build converts the palette through."""
    if not SWOP.is_file():
        missing_tool("a second CMYK profile", "apt-get install libgs-common")
    out = tmp_path / "swop.pdf"
    build(project, "print", out, icc=SWOP)
    reader = PdfReader(out)
    (intent,) = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/DestOutputProfile"].get_object().get_data() == SWOP.read_bytes()
    assert intent["/OutputConditionIdentifier"] == "Custom"
    assert intent["/Info"] == intent["/OutputCondition"] == "Artifex CMYK SWOP Profile"
    screen = tmp_path / "swop-screen.pdf"
    build(project, "screen", screen, icc=SWOP)
    assert check_pdf(screen.read_bytes(), "screen", FAMILIES) == []


def test_the_same_source_in_another_folder_gives_the_same_bytes(print_pdf: Path, tmp_path: Path):
    """IDs derive from the content, not from the absolute paths the HTML names files by."""
    elsewhere = copy_project(tmp_path / "b" / "pro j")
    out = tmp_path / "elsewhere.pdf"
    build(elsewhere, "print", out)
    assert out.read_bytes() == print_pdf.read_bytes()


@pytest.mark.parametrize("target", ["/dev/null", "same"])
def test_an_output_that_is_not_a_regular_file_or_named_twice_is_refused_first(project: Path, target: str):
    out = project / "dist" / "booklet.pdf"
    html = out if target == "same" else project / "dist" / "booklet.html"
    pdf = Path(target) if target.startswith("/") else out
    result = CliRunner().invoke(main, ["--root", str(project), "build", "-o", str(pdf), "--html", str(html)])
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1
    assert "refused as an output" in result.output or "named for two outputs" in result.output
    assert not (project / "dist").exists()
    assert Path("/dev/null").is_char_device()


def test_an_output_over_an_input_is_refused_and_nothing_is_written(project: Path):
    source = project / "source/booklet.yaml"
    before = source.read_bytes()
    result = CliRunner().invoke(main, ["--root", str(project), "build", "--variant", "screen", "-o", str(source)])
    assert result.exit_code == 1
    assert result.output == (f"booklet: {source}: is one of the build's own inputs (source/, layouts/, fonts/ "
                             "or the profile): refused as an output\n")
    assert source.read_bytes() == before and not (project / "dist").exists()


@pytest.mark.parametrize("epoch", ["99999999999999999999", "-99999999999999", "soon"])
def test_a_source_date_epoch_that_is_no_date_is_one_line(project: Path, monkeypatch, epoch: str):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = CliRunner().invoke(main, ["--root", str(project), "check"])
    assert result.exit_code == 1
    assert result.output.startswith("booklet: SOURCE_DATE_EPOCH: not a whole number of seconds since 1970")


def test_a_cold_build_gives_the_bytes_of_a_warm_one(project: Path, tmp_path: Path):
    """The fit cache (dist/.cache/fit.json) changes the time, never the bytes."""
    cold = build(project, "print", tmp_path / "cold.pdf").output
    assert (project / "dist/.cache/fit.json").is_file()
    warm = build(project, "print", tmp_path / "warm.pdf").output
    assert warm.read_bytes() == cold.read_bytes()


def test_a_cold_build_lays_out_no_page_twice_at_one_copyfit(project: Path, monkeypatch):
    """The copyfit search renders only pages at a size and set of kept-whole words not laid
    out yet, and the PDF is put together from those renders: no closing render of the whole
    booklet (what made a cold build cost more than two warm ones)."""
    import booklet.build as stage

    laid: list[tuple[str, int, frozenset[str]]] = []
    real = stage._render

    def counting(job, include):
        laid.extend(stage.laying(p) for p in job.plan.pages.values() if include is None or p.id in include)
        return real(job, include)

    monkeypatch.setattr(stage, "_render", counting)
    build(project, "print", project / "dist" / "cold.pdf")
    assert len(laid) > len(stage.prepare(project).plan.pages)  # the search did try sizes and repairs
    assert len(set(laid)) == len(laid), sorted(k for k in laid if laid.count(k) > 1)


def test_a_rebuild_lays_out_only_the_changed_spread_and_gives_a_full_builds_bytes(project: Path, monkeypatch):
    """`booklet watch`'s rebuild (build.build_again): after a one-word edit in a wish, only
    that spread is laid out; every other page comes from the last build, and the PDF is the
    one a full build of the edited source writes."""
    import booklet.build as stage

    _, laid = stage.build_again(project, "print", None, None)
    wish = project / "source" / "wishes" / "3-sparring.yaml"
    wish.write_text(wish.read_text().replace("Min chef står til rådighed", "Min chef står altid til rådighed"))
    asked: list[set[str] | None] = []
    real = stage.layout
    monkeypatch.setattr(stage, "layout", lambda job, include=None: asked.append(include) or real(job, include))
    result, _ = stage.build_again(project, "print", None, laid)
    assert asked == [{"wish-sparring-letter", "wish-sparring-reply"}]
    again = result.output.read_bytes()
    monkeypatch.undo()
    full = build(project, "print", project / "dist" / "full.pdf")
    assert again == full.output.read_bytes()
