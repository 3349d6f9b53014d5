"""Preflight: each check against a PDF made to break it, and the real booklet against them all."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import weasyprint
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from booklet.fonts import declared_families
from booklet.preflight import (
    A5,
    BLEED,
    MM,
    Finding,
    Report,
    cli_command,
    format_report,
    page_ranges,
    preflight,
)
from booklet.verify import check_pdf

from .conftest import ROOT, missing_tool
from .hostile_pdfs import HOSTILE, aes_encrypted, with_page

FAMILIES = declared_families(ROOT / "layouts/css/1-fonts.css")
PRINT_CHECKS = ["page boxes", "page count", "fonts", "output intent", "PDF/X version", "colour",
                "image resolution", "safety zone", "printer's marks", "annotations"]
ICC = ROOT / "layouts/icc/FOGRA39_ISOcoated_v2_300_bas.icc"


def failed(report: Report) -> dict[str, list[str]]:
    """The checks that failed -> their details, as printed."""
    return {c.name: [str(f) for f in c.details] for c in report.checks if not c.passed}


def weasy(pages: list[str], css: str = "", variant: str = "print", profile: bool = True,
          **options) -> bytes:
    """A small A5 PDF from WeasyPrint, one page per item, set in our Booklet Sans; as print it is a
    good booklet (4 pages, bleed, CMYK, PDF/X-4, bare boxes) until ``css``, ``pages`` or the
    options break it."""
    colour = f"@color-profile device-cmyk {{ src: url({ICC.as_uri()}); components: c, m, y, k }}"
    style = f"""
      @font-face {{ font-family: "Booklet Sans"; src: url({(ROOT / 'fonts/BookletSans-Regular.ttf').as_uri()}) }}
      @page {{ size: 148mm 210mm; margin: 20mm; {'bleed: 3mm' if variant == 'print' else ''} }}
      {colour if profile else ''}
      body {{ font: 10pt "Booklet Sans"; color: device-cmyk(0 0 0 0.9) }}
      section + section {{ break-before: page }}
      {css}"""
    body = "".join(f"<section>{page}</section>" for page in pages)
    html = f"<!DOCTYPE html><html lang=da><title>Prøve</title><style>{style}</style>{body}"
    defaults = {"pdf_variant": "pdf/x-4"} if variant == "print" else {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
    return weasyprint.HTML(string=html).write_pdf(**{**defaults, **options})


PAGES = ["<h1>Forside</h1><p>Tekst</p>", "<p>To</p>", "<p>Tre</p>", "<p>Fire</p>"]


def image_uri(size: tuple[int, int], mode: str = "CMYK") -> str:
    """A data: URI of a JPEG (CMYK, so only its resolution is at stake)."""
    import base64

    buf = io.BytesIO()
    Image.new(mode, size, (0, 128, 255, 0) if mode == "CMYK" else (200, 30, 30)).save(buf, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def edited(data: bytes, edit) -> bytes:
    """The PDF after ``edit(writer)``, written back."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def crafted(contents: list[bytes], resources: DictionaryObject | None = None, slug: float = 0.0) -> bytes:
    """An A5 print PDF drawn by hand, one content stream per page: to test the content checks on
    operators WeasyPrint does not write. ``slug``: the MediaBox beyond the BleedBox."""
    writer = PdfWriter()
    for content in contents:
        page = writer.add_blank_page(width=A5[0], height=A5[1])
        page.mediabox = RectangleObject([-BLEED - slug, -BLEED - slug, A5[0] + BLEED + slug, A5[1] + BLEED + slug])
        page.bleedbox = RectangleObject([-BLEED, -BLEED, A5[0] + BLEED, A5[1] + BLEED])
        page.trimbox = RectangleObject([0, 0, *A5])
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = resources or DictionaryObject()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stream(data: bytes = b"", **entries) -> DecodedStreamObject:
    result = DecodedStreamObject()
    result.set_data(data)
    for key, value in entries.items():
        result[NameObject(f"/{key}")] = value
    return result


def names(**entries) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{k}"): v for k, v in entries.items()})


def image(width: int, height: int, space) -> DecodedStreamObject:
    components = {"/DeviceCMYK": 4, "/DeviceRGB": 3}.get(str(space), 1)
    return stream(bytes(width * height * components), Type=NameObject("/XObject"), Subtype=NameObject("/Image"),
                  Width=NumberObject(width), Height=NumberObject(height), BitsPerComponent=NumberObject(8),
                  ColorSpace=space)


# -- the real booklet -----------------------------------------------------------------------


def test_the_real_print_booklet_passes_every_check(print_pdf: Path):
    data = print_pdf.read_bytes()
    report = preflight(data, "print", FAMILIES)
    assert [c.name for c in report.checks] == PRINT_CHECKS
    assert report.passed, format_report(report)
    assert check_pdf(data, "print", FAMILIES, marks="crop") == []
    assert report.check("PDF/X version").summary == "PDF/X-4 (XMP metadata)"
    assert "FOGRA39" in report.check("output intent").summary
    assert not report.check("colour").notes  # the crop marks are CMYK (registration), not RGB


def test_the_real_screen_booklet_passes_every_check(screen_pdf: Path):
    data = screen_pdf.read_bytes()
    report = preflight(data, "screen", FAMILIES)
    assert [c.name for c in report.checks] == ["page boxes", "fonts", "tagged PDF"]
    assert report.passed, format_report(report)
    assert check_pdf(data, "screen", FAMILIES) == []
    assert [str(n) for n in report.check("tagged PDF").notes] == ["declares PDF/UA-1"]


def test_the_font_list_names_our_families(print_pdf: Path):
    report = preflight(print_pdf.read_bytes(), "print")  # no families: any font passes, all are listed
    bases = {font.name.split("+")[-1] for font in report.fonts}
    assert {"Booklet-Sans", "Booklet-Sans-Bold", "Booklet-Serif-Italic"} <= bases
    assert all(font.embedded and font.subset and font.pages for font in report.fonts)
    text = format_report(report)
    assert re.search(r"^  [A-Z]{6}\+Booklet-Sans +Type0/CIDFontType2, embedded, subset; pages 1–20$", text, re.M)


def test_the_report_of_the_real_booklet(print_pdf: Path):
    text = format_report(preflight(print_pdf.read_bytes(), "print", FAMILIES))
    lines = text.splitlines()
    assert lines[0] == "preflight as print: 20 pages"
    assert lines[1] == "  ok    page boxes        A5 trim (148 × 210 mm), 3 mm bleed, 5 mm slug, on all 20 pages"
    assert "  ok    safety zone       no text within 3 mm of the trim edge" in lines
    assert "  ok    printer's marks   8 marks on every page, outside the bleed, on top of the page" in lines
    assert "  ok    annotations       none in the printed area (the BleedBox)" in lines
    assert lines[-1] == "passed: all 10 checks"


# -- page boxes and count ------------------------------------------------------------------


def test_a_wrong_trimbox_fails_naming_its_page(print_pdf: Path):
    def shrink(writer: PdfWriter) -> None:
        # from the inner side: the outer one has the quote band's text 5 mm from the trim
        writer.pages[4].trimbox = RectangleObject([10, 0, A5[0], A5[1]])

    report = preflight(edited(print_pdf.read_bytes(), shrink), "print", FAMILIES)
    assert failed(report) == {"page boxes": [
        "page 5: TrimBox is 144.5 × 210.0 mm, not A5 (148 × 210 mm)",
        "page 5: BleedBox is not the trim plus 3 mm on every side (left, bottom, right, top: 6.5, 3.0, 3.0, 3.0 mm)",
    ]}


def test_print_without_bleed_fails_the_boxes():
    report = preflight(weasy(PAGES, "@page { bleed: 0; marks: none }"), "print")
    assert failed(report) == {"page boxes": [
        f"page {n}: BleedBox is not the trim plus 3 mm on every side (left, bottom, right, top: 0.0, 0.0, 0.0, "
        "0.0 mm)" for n in range(1, 5)]}


def test_a_print_pdf_is_not_a_screen_pdf(print_pdf: Path):
    report = preflight(print_pdf.read_bytes(), "screen", FAMILIES)
    assert set(failed(report)) == {"page boxes", "tagged PDF"}
    assert failed(report)["page boxes"][0] == ("page 1: page is 164.0 × 226.0 mm, not its 148.0 × 210.0 mm trim: "
                                               "a screen PDF has no bleed")


def test_page_count_not_a_multiple_of_4():
    report = preflight(weasy(PAGES[:3]), "print")
    assert failed(report) == {"page count": ["3 pages: a saddle-stitched booklet needs a multiple of 4"]}


def test_a_good_small_print_pdf_passes():
    report = preflight(weasy(PAGES), "print", {"Booklet Sans"})
    assert report.passed, format_report(report)


# -- fonts ---------------------------------------------------------------------------------


def test_fonts_outside_the_families_fail_only_when_families_are_given():
    data = weasy(PAGES)
    assert preflight(data, "print").passed
    report = preflight(data, "print", {"Booklet Serif"})
    messages = failed(report)["fonts"]
    assert len(messages) == 2  # the regular and the bold WeasyPrint made of it for the <h1>
    for message in messages:
        assert re.fullmatch(r"font [A-Z]{6}\+Booklet-Sans(-Bold)? is not one of the families in fonts/ "
                            r"\(Booklet Serif\): a system font slipped in", message)
    assert check_pdf(data, "print", {"Booklet Serif"}) == report.findings


def test_a_font_that_is_not_embedded_fails():
    helvetica = names(Type=NameObject("/Font"), Subtype=NameObject("/Type1"), BaseFont=NameObject("/Helvetica"))
    data = crafted([b"0 0 0 1 k BT /F1 12 Tf 100 300 Td (Hej) Tj ET"] * 4, names(Font=names(F1=helvetica)))
    report = preflight(data, "print")
    assert failed(report)["fonts"] == ["font Helvetica is not embedded"]
    assert "Helvetica  Type1, NOT EMBEDDED; pages 1–4" in format_report(report)


# -- output intent, PDF/X, tags ------------------------------------------------------------


def test_no_output_intent_without_a_colour_profile():
    report = preflight(weasy(PAGES, profile=False), "print")
    assert failed(report)["output intent"] == ["no output intent: the printing condition is not declared"]


def test_an_rgb_output_intent_fails(print_pdf: Path):
    def rgb_profile(writer: PdfWriter) -> None:
        intent = writer.root_object["/OutputIntents"][0].get_object()
        profile = intent["/DestOutputProfile"].get_object()
        data = bytearray(profile.get_data())
        data[16:20] = b"RGB "
        replacement = stream(bytes(data), N=NumberObject(3))
        intent[NameObject("/DestOutputProfile")] = writer._add_object(replacement)

    report = preflight(edited(print_pdf.read_bytes(), rgb_profile), "print", FAMILIES)
    assert failed(report) == {"output intent": ["output intent profile (FOGRA39) is RGB, not CMYK"]}


def test_the_pdfx_version_is_read_from_xmp_or_the_document_info():
    plain = weasy(PAGES, pdf_variant=None)  # not PDF/X: no version anywhere
    report = preflight(plain, "print")
    assert failed(report) == {"PDF/X version": [
        "no PDF/X version declared (GTS_PDFXVersion in the document info or pdfxid:GTS_PDFXVersion in the XMP "
        "metadata)"]}
    declared = edited(plain, lambda w: w.add_metadata({"/GTS_PDFXVersion": "PDF/X-1a:2001"}))
    report = preflight(declared, "print")
    assert report.passed and report.check("PDF/X version").summary == "PDF/X-1a:2001 (document info)"
    wrong = edited(plain, lambda w: w.add_metadata({"/GTS_PDFXVersion": "1.3"}))
    assert failed(preflight(wrong, "print")) == {"PDF/X version": [
        "GTS_PDFXVersion in the document info is '1.3', not a PDF/X version"]}


def test_an_untagged_screen_pdf_fails():
    html = "<style>@page { size: 148mm 210mm }</style><p>Hej</p>"
    report = preflight(weasyprint.HTML(string=html).write_pdf(), "screen")
    assert failed(report) == {"tagged PDF": ["not tagged (no structure tree)", "no document language",
                                             "no title in the metadata", "no outline"]}


def test_a_tagged_screen_pdf_passes():
    report = preflight(weasy(PAGES[:1], variant="screen"), "screen")
    assert report.passed, format_report(report)


# -- colour --------------------------------------------------------------------------------


def test_rgb_text_is_named_by_page():
    pages = [*PAGES]
    pages[1] = '<p style="color: rgb(200, 0, 0)">Rød</p>'
    report = preflight(weasy(pages), "print")
    assert failed(report) == {"colour": ["page 2: RGB colour (text)"]}


def test_an_rgb_image_is_named_by_page():
    pages = [*PAGES]
    pages[2] = f'<img src="{image_uri((600, 600), "RGB")}" style="width: 20mm">'
    report = preflight(weasy(pages), "print")
    assert failed(report) == {"colour": ["page 3: RGB colour (image)"]}


ICC_RGB = stream(b"\0" * 128, N=NumberObject(3))


def spaces(**entries) -> DictionaryObject:
    return names(ColorSpace=names(**entries))


RGB_SHADING = names(ShadingType=NumberObject(2), ColorSpace=NameObject("/DeviceRGB"))
INLINE_RGB = b"q 100 0 0 100 50 50 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID " + bytes(12) + b" EI Q"


@pytest.mark.parametrize(("content", "resources", "expected"), [
    (b"0 0 0 1 k 50 50 100 100 re f", None, []),
    (b"1 0 0 rg 50 50 100 100 re f", None, ["page 1: RGB colour (fill)"]),
    (b"1 0 0 RG 50 50 m 100 100 l S", None, ["page 1: RGB colour (stroke)"]),
    (b"/DeviceCMYK cs 0 0 0 1 scn 50 50 100 100 re f", None, []),
    (b"/DeviceRGB cs 1 0 0 sc 50 50 100 100 re f", None, ["page 1: RGB colour (fill)"]),
    (b"/CS0 cs 1 0 0 scn 50 50 100 100 re f", spaces(CS0=ArrayObject([NameObject("/ICCBased"), ICC_RGB])),
     ["page 1: RGB colour (fill)"]),
    (b"/CS0 CS 1 0 0 SCN 50 50 m 100 100 l S", spaces(CS0=ArrayObject([NameObject("/CalRGB"), DictionaryObject()])),
     ["page 1: RGB colour (stroke)"]),
    (b"/CS0 cs 50 0 0 scn 50 50 100 100 re f", spaces(CS0=ArrayObject([NameObject("/Lab"), DictionaryObject()])),
     []),
    (b"1 0 0 rg 50 50 100 100 re n 0 0 0 1 k 50 50 100 100 re f", None, []),  # the RGB path is never painted
    (b"q 1 0 0 rg Q 50 50 100 100 re f", None, []),  # Q restores the colour
    (b"1 0 0 rg 3 Tr BT 100 100 Td (x) Tj ET", None, []),  # invisible text
    (b"1 0 0 RG 1 Tr BT 100 100 Td (x) Tj ET", None, ["page 1: RGB colour (text)"]),  # stroked text
    (b"/Sh0 sh", names(Shading=names(Sh0=RGB_SHADING)), ["page 1: RGB colour (shading)"]),
    (b"/Pattern cs /P0 scn 50 50 100 100 re f",
     names(Pattern=names(P0=names(PatternType=NumberObject(2), Shading=RGB_SHADING))), ["page 1: RGB colour (fill)"]),
    (INLINE_RGB, None, ["page 1: RGB colour (image)"]),
])
def test_colour_operators(content: bytes, resources: DictionaryObject | None, expected: list[str]):
    report = preflight(crafted([content, b"", b"", b""], resources), "print")
    assert [str(f) for f in report.check("colour").details] == expected


def test_rgb_in_a_form_and_rgb_images_are_found():
    form = stream(b"1 0 0 rg 0 0 10 10 re f", Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                  BBox=ArrayObject([NumberObject(0)] * 2 + [NumberObject(10)] * 2))
    indexed = ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"), NumberObject(0),
                           DecodedStreamObject()])
    resources = names(XObject=names(Fm=form, Rgb=image(10, 10, NameObject("/DeviceRGB")),
                                    Ind=image(10, 10, indexed), Cmyk=image(10, 10, NameObject("/DeviceCMYK"))))
    draw = b"q 3 0 0 3 100 100 cm /%s Do Q"
    report = preflight(crafted([draw % b"Cmyk", draw % b"Fm", draw % b"Rgb", draw % b"Ind"], resources), "print")
    assert failed(report)["colour"] == ["page 2: RGB colour (fill)", "page 3: RGB colour (image)",
                                        "page 4: RGB colour (image)"]


def test_rgb_outside_the_trim_is_a_note_not_a_failure():
    marks = b"q 0 0 0 RG 0.5 w -8 100 m -4 100 l S Q 0 0 0 1 k 50 50 100 100 re f"
    report = preflight(crafted([marks] * 4), "print")
    colour = report.check("colour")
    assert colour.passed and [str(n) for n in colour.notes] == [
        f"page {n}: RGB colour outside the trim only (stroke): cut off, but a PDF/X validator may still flag it"
        for n in range(1, 5)]
    into_the_page = crafted([b"0 0 0 RG 2 w -8 100 m 4 100 l S"] * 4)
    assert failed(preflight(into_the_page, "print"))["colour"][0] == "page 1: RGB colour (stroke)"


# -- images --------------------------------------------------------------------------------


def test_a_low_resolution_image_is_named_by_page():
    pages = [*PAGES]
    pages[1] = f'<img src="{image_uri((100, 60))}" style="width: 50.8mm">'
    pages[3] = f'<img src="{image_uri((600, 600))}" style="width: 50mm">'
    report = preflight(weasy(pages), "print")
    assert failed(report) == {"image resolution": ["page 2: image 100×60 px placed at 50.8×30.5 mm: 50 dpi, under 300"]}


def test_image_resolution_follows_the_ctm():
    resources = names(XObject=names(Im=image(100, 100, NameObject("/DeviceCMYK"))))
    at = b"q %s cm /Im Do Q"
    pages = [at % b"24 0 0 24 100 100", at % b"0 24 -24 0 100 100", at % b"72 0 0 24 100 100", b""]
    report = preflight(crafted(pages, resources), "print")
    assert failed(report)["image resolution"] == [
        "page 3: image 100×100 px placed at 25.4×8.5 mm: 100 dpi, under 300"]
    assert report.check("image resolution").summary == "3 images placed, the lowest at 100 dpi"


# -- safety zone ---------------------------------------------------------------------------


def test_text_near_or_past_the_trim_edge_is_named_by_page():
    pages = [*PAGES]
    pages[1] = '<p style="position: absolute; left: -19mm; top: 50mm">Kant</p>'
    pages[2] = '<p style="position: absolute; right: -22mm; bottom: 40mm; margin: 0">Udenfor</p>'
    report = preflight(weasy(pages), "print")
    details = failed(report)["safety zone"]
    assert len(details) == 2, details
    assert re.fullmatch(r"page 2: text 1\.\d mm from the left trim edge: «Kant»", details[0])
    assert re.fullmatch(r"page 3: text \d\.\d mm beyond the right trim edge: «Udenfor»", details[1])


def test_background_colour_in_the_bleed_is_fine():
    pages = [*PAGES]
    pages[0] = '<div style="position: absolute; top: -23mm; left: -23mm; right: -23mm; bottom: -23mm; background: device-cmyk(1 0 0 0)"></div><p>x</p>'
    assert preflight(weasy(pages), "print").passed


# -- printer's marks -----------------------------------------------------------------------

SLUG = 5 * MM
ALL_CORNERS = "top left, top right, bottom right, bottom left"


def marks(start: float = 3.5 * MM, colour: bytes = b"1 1 1 1 K", only: int | None = None) -> bytes:
    """The eight crop marks on the trim lines, 4 mm long, from ``start`` off the trim outwards
    (``only``: just that one of them)."""
    (w, h), end = A5, start + 4 * MM
    lines = [(-start, y, -end, y) for y in (0, h)] + [(w + start, y, w + end, y) for y in (0, h)]
    lines += [(x, -start, x, -end) for x in (0, w)] + [(x, h + start, x, h + end) for x in (0, w)]
    lines = lines[only:only + 1] if only is not None else lines
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in lines)
    return b"q " + colour + b" 0.25 w " + path.encode() + b" S Q\n"


PAGE = b"0 0 0 1 k 50 50 100 100 re f 0.3 0 0 0 k -8.5 300 100 100 re f\n"  # text box, a band that bleeds
TOP_LEFT_SLUG = b"0 0.5 0 0 k -25 560 60 60 re f\n"  # page content reaching over the top left slug


def marks_details(report: Report) -> list[str]:
    """What the printer's marks check found (hand-drawn PDFs fail the output intent checks)."""
    return [str(f) for f in report.check("printer's marks").details]


def test_crop_marks_in_the_slug_drawn_last_pass():
    report = preflight(crafted([PAGE + marks()] * 4, slug=SLUG), "print", marks="crop")
    assert set(failed(report)) == {"output intent", "PDF/X version"}, format_report(report)
    assert report.check("printer's marks").summary == "8 marks on every page, outside the bleed, on top of the page"
    assert report.check("page boxes").summary == "A5 trim (148 × 210 mm), 3 mm bleed, 5 mm slug, on all 4 pages"
    assert not report.check("printer's marks").notes


@pytest.mark.parametrize(("content", "expected"), [
    (marks(1.5 * MM), f"marks reach up to 1.5 mm into the bleed ({ALL_CORNERS}): a cut a little off shows them"),
    (marks(3.5 * MM) + marks(2.5 * MM, only=0),
     "marks reach up to 0.5 mm into the bleed (bottom left): a cut a little off shows them"),
    (marks(2.9 * MM, only=7), "marks reach up to 0.1 mm into the bleed (top right): a cut a little off shows them"),
])
def test_a_mark_in_the_bleed_fails(content: bytes, expected: str):
    report = preflight(crafted([PAGE, PAGE + content, PAGE, PAGE], slug=SLUG), "print")
    assert marks_details(report) == [f"page 2: {expected}"]


def test_marks_at_the_bleeds_edge_pass():
    at_the_edge = marks(3 * MM + 0.125)  # the stroke's half width: it touches the BleedBox, no more
    assert marks_details(preflight(crafted([PAGE + at_the_edge] * 4, slug=SLUG), "print")) == []


def test_marks_hidden_under_page_content_fail():
    hidden = crafted([PAGE + marks() + TOP_LEFT_SLUG, PAGE + marks(), marks() + PAGE, PAGE + marks()], slug=SLUG)
    assert marks_details(preflight(hidden, "print")) == [
        "page 1: marks hidden under page content painted after them (fill; top left)"]


IMAGE_OVER_CORNERS = b"q 460 0 0 640 -20 -20 cm /Im Do Q\n"  # the whole slug, corners included
SHADING_OVER_THE_PAGE = b"/Sh0 sh\n"  # a shading fills the clip: here the whole MediaBox
CLIPPED_TO_THE_BLEED = b"q -8.5 -8.5 436.5 612.3 re W n " + TOP_LEFT_SLUG + b"Q\n"
CMYK_SHADING = names(ShadingType=NumberObject(2), ColorSpace=NameObject("/DeviceCMYK"),
                     Coords=ArrayObject([NumberObject(0)] * 4))


@pytest.mark.parametrize(("after", "expected"), [
    (IMAGE_OVER_CORNERS, f"marks hidden under page content painted after them (image; {ALL_CORNERS})"),
    (SHADING_OVER_THE_PAGE, f"marks hidden under page content painted after them (shading; {ALL_CORNERS})"),
    (CLIPPED_TO_THE_BLEED, None),  # painted over the slug but clipped at the bleed: the marks show
    (b"q 0 0 0 1 K 2 w 0 606 m 0 620 l S Q\n", None),  # another mark over a mark: not page content
    (b"/Fm Do\n", None),  # a form's BBox clips what it paints: the bleed box here
])
def test_what_covers_a_mark(after: bytes, expected: str | None):
    form = stream(TOP_LEFT_SLUG, Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                  BBox=ArrayObject(NumberObject(v) for v in (-8, -8, 428, 603)))
    resources = names(XObject=names(Im=image(2, 2, NameObject("/DeviceCMYK")), Fm=form),
                      Shading=names(Sh0=CMYK_SHADING))
    report = preflight(crafted([PAGE + marks() + after] * 4, resources, slug=SLUG), "print")
    assert marks_details(report) == ([f"page {n}: {expected}" for n in range(1, 5)] if expected else [])


def test_weasyprints_own_crop_marks_fail_in_the_bleed_and_under_a_bleeding_cover():
    """WeasyPrint's `marks: crop` draws the marks inside the bleed, first, in RGB: the booklet's
    print PDF was like this, and its cover and quote bands painted over them."""
    pages = [*PAGES]
    pages[0] = ('<div style="position: absolute; top: -23mm; left: -23mm; right: -23mm; bottom: -23mm; '
                'background: device-cmyk(1 0 0 0)"></div><p>x</p>')
    report = preflight(weasy(pages, "@page { marks: crop }"), "print")
    assert failed(report) == {"printer's marks": [
        f"page 1: marks reach up to 1.6 mm into the bleed ({ALL_CORNERS}): a cut a little off shows them",
        f"page 1: marks hidden under page content painted after them (fill; {ALL_CORNERS})",
        *[f"page {n}: marks reach up to 1.6 mm into the bleed ({ALL_CORNERS}): a cut a little off shows them"
          for n in range(2, 5)]]}
    assert [str(n) for n in report.check("printer's marks").notes] == [
        f"page {n}: marks not in registration colour (all four inks at 100 %): they will not show on every plate"
        for n in range(1, 5)]


def test_registration_colour_is_cmyk_or_the_all_separation():
    all_inks = spaces(Reg=ArrayObject([NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"),
                                       DictionaryObject()]))
    for colour, registration in [(b"1 1 1 1 K", True), (b"/Reg CS 1 SCN", True), (b"/Reg CS", True),
                                 (b"/DeviceCMYK CS 1 1 1 1 SCN", True), (b"0 0 0 1 K", False),
                                 (b"/Reg CS 0.5 SCN", False), (b"1 G", False)]:
        report = preflight(crafted([PAGE + marks(colour=colour)] * 4, all_inks, slug=SLUG), "print")
        assert not marks_details(report) and bool(report.check("printer's marks").notes) != registration, colour


def test_the_marks_asked_for():
    bare, marked = crafted([PAGE] * 4), crafted([PAGE + marks()] * 4, slug=SLUG)
    assert marks_details(preflight(bare, "print", marks="none")) == []
    assert marks_details(preflight(marked, "print", marks="crop")) == []
    assert marks_details(preflight(bare, "print", marks="crop")) == [
        f"page {n}: 0 printer's marks, not the 8 crop marks" for n in range(1, 5)]
    assert marks_details(preflight(crafted([PAGE + marks(only=3)] * 4, slug=SLUG), "print", marks="crop")) == [
        f"page {n}: 1 printer's marks, not the 8 crop marks" for n in range(1, 5)]
    for slug_only in (marked, crafted([PAGE] * 4, slug=SLUG)):
        assert marks_details(preflight(slug_only, "print", marks="none")) == [
            f"page {n}: printer's marks or a slug, where bare boxes (MediaBox = BleedBox) were asked for"
            for n in range(1, 5)]


def test_marks_on_some_pages_only_are_noted():
    report = preflight(crafted([PAGE + marks(), PAGE, PAGE, PAGE + marks()], slug=SLUG), "print")
    marks_check = report.check("printer's marks")
    assert marks_check.passed and marks_check.summary == "marks on 2 of 4 pages, outside the bleed, on top"
    assert [str(n) for n in marks_check.notes] == ["no marks on pages 2–3"]


# -- report and command --------------------------------------------------------------------


def test_page_ranges_and_grouped_findings():
    assert page_ranges([5, 1, 2, 3, 9, 10]) == "1–3, 5, 9–10"
    report = preflight(weasy(PAGES, "@page { bleed: 0; marks: none }"), "print")
    text = format_report(report)
    assert ("  FAIL  page boxes\n          pages 1–4: BleedBox is not the trim plus 3 mm on every side "
            "(left, bottom, right, top: 0.0, 0.0, 0.0, 0.0 mm)\n") in text
    assert text.endswith("FAILED: 1 of 10 checks (page boxes)")
    assert str(Finding(0, "x")) == "x" and str(Finding(3, "x")) == "page 3: x"


def test_command_passes_the_real_booklet(print_pdf: Path, screen_pdf: Path):
    result = CliRunner().invoke(cli_command, [str(print_pdf)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{print_pdf}\npreflight as print: 20 pages\n")
    assert "Booklet-Serif-Italic" in result.output and result.output.endswith("passed: all 10 checks\n")
    result = CliRunner().invoke(cli_command, [str(screen_pdf), "--variant", "screen"])
    assert result.exit_code == 0, result.output


def test_command_fails_with_exit_1_naming_the_pages(tmp_path: Path, print_pdf: Path):
    pages = [*PAGES]
    pages[1] = '<p style="color: rgb(200, 0, 0)">Rød</p>'
    pdf = tmp_path / "red.pdf"
    pdf.write_bytes(weasy(pages))
    result = CliRunner().invoke(cli_command, [str(pdf)])
    assert result.exit_code == 1
    assert "  FAIL  colour\n          page 2: RGB colour (text)\n" in result.output
    assert f"{pdf}: 1 of 10 preflight checks failed (colour)" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli_command, [str(print_pdf), "--variant", "screen"])
    assert result.exit_code == 1 and "FAIL  tagged PDF" in result.output


def test_command_requires_the_marks_asked_for(tmp_path: Path):
    pdf = tmp_path / "bare.pdf"
    pdf.write_bytes(weasy(PAGES))
    assert CliRunner().invoke(cli_command, [str(pdf), "--marks", "none"]).exit_code == 0
    result = CliRunner().invoke(cli_command, [str(pdf), "--marks", "crop"])
    assert result.exit_code == 1
    assert "pages 1–4: 0 printer's marks, not the 8 crop marks" in result.output


def test_command_refuses_what_is_not_a_pdf(tmp_path: Path):
    text = tmp_path / "note.pdf"
    text.write_text("not a PDF")
    result = CliRunner().invoke(cli_command, [str(text)])
    assert result.exit_code == 1 and "not a readable PDF" in result.output
    missing = CliRunner().invoke(cli_command, [str(tmp_path / "missing.pdf")])
    assert missing.exit_code == 1 and "missing.pdf: file is missing" in missing.output


@pytest.mark.parametrize("path", ["/dev/zero", "fifo.pdf", "folder.pdf"])
def test_command_refuses_at_once_what_is_not_a_regular_file(tmp_path: Path, path: str):
    """/dev/zero would be read until memory ran out and a FIFO would wait for ever: both are
    refused before a byte is read."""
    os.mkfifo(tmp_path / "fifo.pdf")
    (tmp_path / "folder.pdf").mkdir()
    target = Path(path) if path.startswith("/") else tmp_path / path
    result = CliRunner().invoke(cli_command, [str(target)])
    assert result.exit_code == 1
    assert result.output == f"booklet: {target}: is not a regular file (a folder, device or pipe): refused\n"


def test_command_refuses_a_pdf_over_the_size_limit(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("booklet.limits.PDF_FILE_BYTES", 1000)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    result = CliRunner().invoke(cli_command, [str(big)])
    assert result.exit_code == 1 and result.output == f"booklet: {big}: is 2 KB; the limit is 1 KB\n"


def test_an_encrypted_pdf_is_not_pdf_x():
    """PDF/X forbids encryption, even with an empty user password that opens it."""
    writer = PdfWriter(clone_from=io.BytesIO(weasy(PAGES)))
    writer.encrypt("", "owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    report = preflight(out.getvalue(), "print", {"Booklet Sans"})
    assert failed(report) == {"PDF/X version": ["the PDF is encrypted: PDF/X forbids encryption"]}


def test_control_characters_from_a_pdf_or_a_path_are_escaped(tmp_path: Path):
    """A hostile file name (or a PDF's font name) must not drive the terminal."""
    path = tmp_path / "\x1b]0;owned\x07.pdf"
    result = CliRunner().invoke(cli_command, [str(path)])
    assert result.exit_code == 1 and "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;owned\\x07.pdf: file is missing" in result.output


# -- hostile PDFs: every reader bounded -----------------------------------------------------


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_pdf_made_to_make_preflight_work_without_end_is_one_clear_line(tmp_path: Path, case: str):
    make, expected = HOSTILE[case]
    path = tmp_path / "hostile.pdf"
    path.write_bytes(make())
    result = CliRunner().invoke(cli_command, [str(path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"booklet: {path}: ") and expected in result.output, result.output
    assert result.output.count("\n") == 1 and "internal error" not in result.output


@pytest.mark.parametrize("bits", [128, 256])
def test_an_aes_encrypted_pdf_is_a_finding_not_an_internal_error(tmp_path: Path, bits: int):
    path = aes_encrypted(tmp_path, bits)
    if path is None:
        missing_tool("qpdf", "apt-get install qpdf")
    result = CliRunner().invoke(cli_command, [str(path)])
    assert result.exit_code == 1
    assert result.output == (f"booklet: {path}: the PDF is encrypted (AES), which booklet does not decrypt: it "
                             "cannot be checked, and PDF/X forbids encryption\n")


def test_a_dangling_contents_draws_nothing():
    report = preflight(with_page("/Contents", lambda writer: IndirectObject(9999, 0, writer)), "print")
    assert report.pages == 4 and "page boxes" not in failed(report)


def test_an_annotation_in_the_printed_area_fails_print_and_the_booklet_has_none(print_pdf: Path,
                                                                                 screen_pdf: Path):
    # the print booklet holds no annotation at all (its links stay in the screen PDF: finish.py)
    assert not any("/Annots" in page for page in PdfReader(print_pdf).pages)
    assert sum(len(page.get("/Annots", [])) for page in PdfReader(screen_pdf).pages) >= 2
    assert preflight(print_pdf.read_bytes(), "print", FAMILIES).check("annotations").passed
    writer = PdfWriter(clone_from=PdfReader(print_pdf))
    trim, bleed = [float(v) for v in writer.pages[19].trimbox], [float(v) for v in writer.pages[0].bleedbox]
    for page, rect in ((writer.pages[0], [bleed[0] - 12, bleed[1] - 12, bleed[0] - 2, bleed[1] - 2]),  # in the slug
                       (writer.pages[19], [trim[0] + 50, trim[1] + 50, trim[0] + 120, trim[1] + 64])):
        link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                                 NameObject("/Rect"): ArrayObject(NumberObject(v) for v in rect)})
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    buffer = io.BytesIO()
    writer.write(buffer)
    check = preflight(buffer.getvalue(), "print", FAMILIES).check("annotations")
    assert [str(f) for f in check.details] == [
        "page 20: a Link annotation in the printed area (at 21 mm, 21 mm from the bleed's lower left corner)"]
