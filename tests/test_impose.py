"""The A4 imposition for an office printer, read back from real PDFs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops, ImageFilter
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, RectangleObject

from booklet.errors import BookletError
from booklet.impose import cli_command, impose, sheet_order
from booklet.verify import A5, BLEED, MM, pdf_fonts

from .conftest import missing_tool
from .hostile_pdfs import HOSTILE, aes_encrypted

A4_LANDSCAPE = (841.89, 595.28)
DPI = 200
PX = DPI / 25.4  # pixels per millimetre
WHITE = (255, 255, 255)
BLEED_RED = (1, 0, 0)


@pytest.fixture(scope="module")
def imposed(print_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("impose") / "a4.pdf"
    assert impose(print_pdf, out) == 10
    return out


def render(pdf_path: Path, index: int) -> Image.Image:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[index].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def at(image: Image.Image, x_mm: float, y_mm: float = 105) -> tuple[int, int, int]:
    """The pixel at a point given in millimetres from the sheet's top left corner."""
    return image.getpixel((int(x_mm * PX), int(y_mm * PX)))


def texts(pdf_path: Path, halves: bool) -> list:
    """Each page's text within its TrimBox, or each side's text of its left and right halves."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        found = []
        for page in pdf:
            text = page.get_textpage()
            if halves:
                width, height = page.get_size()
                parts = (text.get_text_bounded(0, 0, width / 2, height),
                         text.get_text_bounded(width / 2, 0, width, height))
                found.append(tuple(" ".join(part.split()) for part in parts))
            else:
                found.append(" ".join(text.get_text_bounded(*page.get_trimbox()).split()))
        return found
    finally:
        pdf.close()


def booklet_like(path: Path, greys: list[float], size: tuple[float, float] = A5) -> Path:
    """A print PDF as the build makes it (MediaBox = BleedBox = TrimBox + 3 mm), each page a flat
    grey on its trim and red in its bleed: any red on an imposed sheet is bleed that shows."""
    writer = PdfWriter()
    width, height = size
    for grey in greys:
        page = writer.add_blank_page(width + 2 * BLEED, height + 2 * BLEED)
        page.mediabox = page.bleedbox = RectangleObject((-BLEED, -BLEED, width + BLEED, height + BLEED))
        page.trimbox = RectangleObject((0, 0, width, height))
        content = ContentStream(None, writer)
        content.set_data(f"{' '.join(map(str, BLEED_RED))} rg {-BLEED} {-BLEED} {width + 2 * BLEED} "
                         f"{height + 2 * BLEED} re f {grey} g 0 0 {width} {height} re f".encode())
        page.replace_contents(content)
    writer.add_metadata({"/Title": "Grey pages"})
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_sheet_order():
    assert sheet_order(4) == [(3, 0), (1, 2)]
    assert sheet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert sheet_order(20) == [(19, 0), (1, 18), (17, 2), (3, 16), (15, 4), (5, 14), (13, 6), (7, 12),
                               (11, 8), (9, 10)]
    for count in (4, 8, 20, 40):  # every page exactly once, each side's pair summing like a spread
        order = sheet_order(count)
        assert sorted(i for side in order for i in side) == list(range(count))
        assert all(left + right == count - 1 for left, right in order)


@pytest.mark.parametrize("count", [0, 2, 6, 18])
def test_sheet_order_refuses_a_count_that_is_not_a_multiple_of_4(count: int):
    with pytest.raises(BookletError, match=f"^booklet: {count} pages cannot be imposed .* multiple of 4"):
        sheet_order(count)


def test_sides_are_landscape_a4_in_printers_spread_order(print_pdf: Path, imposed: Path):
    reader = PdfReader(imposed)
    assert len(reader.pages) == 10
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *A4_LANDSCAPE], abs=0.1)
    pages = texts(print_pdf, halves=False)
    assert len(set(pages)) == 20, "every booklet page has its own text"
    sides = texts(imposed, halves=True)
    assert [(pages.index(left), pages.index(right)) for left, right in sides] == sheet_order(20)
    (back, cover), (inside_front, inside_back) = sides[:2]
    assert back.lstrip("” ").startswith("Hvornår er man en god chef")  # under its ornament and cover.startswith("Kære chef! Kære ledere!")
    assert inside_front.split()[-1] == "2" and inside_back.split()[-1] == "19"  # the page numbers


def test_bleed_is_cropped_and_pages_are_at_full_size(imposed: Path):
    sheet = render(imposed, 0)  # back cover | cover, both on a full-bleed dark ground
    assert sheet.size == (round(297 * PX), round(210 * PX))
    ground = at(sheet, 75, 150)
    assert ground != WHITE
    # 2 × 148 mm on 297 mm leaves 0.5 mm at either end: white, where 3 mm of bleed would be dark
    assert at(sheet, 0.2) == WHITE and at(sheet, 297 - 0.2) == WHITE
    assert at(sheet, 1) == ground and at(sheet, 297 - 1) == ground
    for y in (0.1, 105, 209.9):  # the full 210 mm height, and across the seam
        assert at(sheet, 148.5 - 1, y) == ground == at(sheet, 148.5 + 1, y)
    letter = render(imposed, 4)  # page 16 | page 5: page 16's quote band runs off its outer edge
    assert at(letter, 0.2) == WHITE and at(letter, 1) not in (WHITE, ground)
    inside = render(imposed, 1)  # page 2 | page 19, both white at the fold
    assert at(inside, 148.5 - 1) == WHITE == at(inside, 148.5 + 1)


def test_crop_marks_are_cropped_with_the_bleed(imposed: Path, bare_pdf: Path, tmp_path: Path):
    """impose crops at the TrimBox: a booklet with crop marks in a slug and one with bare boxes
    give the same sheets."""
    bare = tmp_path / "bare-a4.pdf"
    assert impose(bare_pdf, bare) == 10
    for index in (0, 4):  # the covers on a full-bleed ground; a quote band running off the edge
        assert ImageChops.difference(render(imposed, index), render(bare, index)).getbbox() is None


def test_seam_and_crop_are_exact(tmp_path: Path):
    greys = [0.2, 0.4, 0.6, 0.8]
    source = booklet_like(tmp_path / "grey.pdf", greys)
    assert impose(source, tmp_path / "a4.pdf") == 2
    for index, (left, right) in enumerate(sheet_order(4)):
        sheet = render(tmp_path / "a4.pdf", index)
        red, green, _ = sheet.split()
        bleed = ImageChops.subtract(red, green).point(lambda v: 255 if v > 128 else 0)
        # PDFium may paint the one pixel column a clip edge crosses in the clipped colour: ignore
        # lines one pixel wide, but 3 mm of bleed (24 px) would survive this.
        assert bleed.filter(ImageFilter.MinFilter(3)).getbbox() is None, "no bleed shows anywhere"
        left_grey, right_grey = ((round(255 * greys[i]),) * 3 for i in (left, right))
        for y in (0.2, 105, 209.8):
            assert at(sheet, 0.3, y) == WHITE == at(sheet, 297 - 0.3, y)
            assert at(sheet, 0.7, y) == left_grey == at(sheet, 148.5 - 0.2, y)
            assert at(sheet, 148.5 + 0.2, y) == right_grey == at(sheet, 297 - 0.7, y)


def test_smaller_pages_are_centred_and_larger_ones_refused(tmp_path: Path):
    small = booklet_like(tmp_path / "a6.pdf", [0.2, 0.4, 0.6, 0.8], (105 * MM, 148 * MM))
    impose(small, tmp_path / "a6-a4.pdf")
    sheet = render(tmp_path / "a6-a4.pdf", 0)
    assert at(sheet, 148.5 - 104.5) == (204,) * 3 and at(sheet, 148.5 - 105.5) == WHITE
    assert at(sheet, 148.5 + 104.5) == (51,) * 3 and at(sheet, 148.5 + 105.5) == WHITE
    assert at(sheet, 148.5 + 5, 30.5) == WHITE and at(sheet, 148.5 + 5, 31.5) == (51,) * 3
    assert at(sheet, 148.5 + 5, 179.5) == WHITE and at(sheet, 148.5 + 5, 178.5) == (51,) * 3
    large = booklet_like(tmp_path / "a4.pdf", [0.5] * 4, (210 * MM, 297 * MM))
    with pytest.raises(BookletError, match="page 1 is 210.0 × 297.0 mm trimmed: larger than A5"):
        impose(large, tmp_path / "out.pdf")


def test_fonts_title_and_print_settings_carry_over(print_pdf: Path, imposed: Path):
    source, reader = PdfReader(print_pdf), PdfReader(imposed)
    assert reader.metadata.title == source.metadata.title
    assert reader.metadata.title.startswith("Kære chef! Kære ledere!")
    assert reader.metadata.author == source.metadata.author
    fonts = pdf_fonts(reader)
    assert fonts == pdf_fonts(source) and all(fonts.values())
    root = reader.trailer["/Root"]
    assert root["/ViewerPreferences"] == {"/Duplex": "/DuplexFlipShortEdge", "/PrintScaling": "/None"}
    assert root["/OutputIntents"][0].get_object()["/OutputConditionIdentifier"] == "FOGRA39"
    assert "/Annots" not in reader.pages[0]
    # each page's profile and fonts once, not once per placed page
    assert imposed.stat().st_size < 1.2 * print_pdf.stat().st_size


def test_same_input_gives_identical_bytes(print_pdf: Path, imposed: Path, tmp_path: Path):
    again = tmp_path / "again.pdf"
    impose(print_pdf, again)
    assert again.read_bytes() == imposed.read_bytes()
    # in another process, with another string hashing seed: nothing depends on hash order
    elsewhere = tmp_path / "elsewhere.pdf"
    code = "import sys; from pathlib import Path; from booklet.impose import impose; " \
           "impose(Path(sys.argv[1]), Path(sys.argv[2]))"
    subprocess.run([sys.executable, "-c", code, str(print_pdf), str(elsewhere)], check=True,
                   env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert elsewhere.read_bytes() == imposed.read_bytes()
    file_id = PdfReader(imposed).trailer["/ID"]
    assert len(file_id) == 2 and file_id[0] == file_id[1] and len(file_id[0]) == 16


def test_not_a_multiple_of_4_is_refused_and_the_old_output_kept(tmp_path: Path):
    source = booklet_like(tmp_path / "six.pdf", [0.5] * 6)
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF-old")
    with pytest.raises(BookletError, match="6 pages cannot be imposed"):
        impose(source, out)
    assert out.read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf", "six.pdf"]


def test_unreadable_input_is_a_user_error(tmp_path: Path):
    with pytest.raises(BookletError, match="missing.pdf: cannot read the PDF"):
        impose(tmp_path / "missing.pdf", tmp_path / "out.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really\n")
    with pytest.raises(BookletError, match="broken.pdf: not a readable PDF"):
        impose(broken, tmp_path / "out.pdf")
    with pytest.raises(BookletError, match="would overwrite its own input"):
        impose(broken, broken)
    assert not (tmp_path / "out.pdf").exists()


def test_command_defaults_to_the_print_pdf_in_dist(tmp_path: Path):
    dist = tmp_path / "dist"
    dist.mkdir()
    booklet_like(dist / "kaere-chef-kaere-ledere.pdf", [0.2, 0.4, 0.6, 0.8] * 2)
    result = CliRunner().invoke(cli_command, [], obj={"root": tmp_path})
    assert result.exit_code == 0, result.output
    out = dist / "kaere-chef-kaere-ledere-a4-imposed.pdf"
    assert result.output == f"{out} (2 sheets, duplex, flip on short edge)\n"
    assert len(PdfReader(out).pages) == 4
    mine = tmp_path / "mine.pdf"
    result = CliRunner().invoke(cli_command, [str(dist / "kaere-chef-kaere-ledere.pdf"), "-o", str(mine)],
                                obj={"root": tmp_path})
    assert result.exit_code == 0 and mine.exists()
    missing = CliRunner().invoke(cli_command, [], obj={"root": tmp_path / "elsewhere"})
    assert missing.exit_code == 1 and "cannot read the PDF" in missing.output


@pytest.mark.parametrize("case", sorted(set(HOSTILE) - {"forms nested 10 deep", "forms nested 30 deep",
                                                        "five million q"}))
def test_a_pdf_made_to_make_impose_work_without_end_is_one_clear_line(tmp_path: Path, case: str):
    # (impose copies a form or a stream of operators as it is, never interpreting them)
    make, expected = HOSTILE[case]
    path, out = tmp_path / "hostile.pdf", tmp_path / "out.pdf"
    path.write_bytes(make())
    result = CliRunner().invoke(cli_command, [str(path), "-o", str(out)], obj={"root": tmp_path})
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"booklet: {path}: ") and expected in result.output, result.output
    assert not out.exists()


def test_an_aes_encrypted_pdf_is_refused_in_one_line(tmp_path: Path):
    path = aes_encrypted(tmp_path, 256)
    if path is None:
        missing_tool("qpdf", "apt-get install qpdf")
    result = CliRunner().invoke(cli_command, [str(path), "-o", str(tmp_path / "out.pdf")], obj={"root": tmp_path})
    assert result.exit_code == 1 and result.output == f"booklet: {path}: the PDF is encrypted\n"


@pytest.mark.parametrize("target", ["source/booklet.yaml", "layouts/icc/FOGRA39_ISOcoated_v2_300_bas.icc",
                                    "layouts/templates/new.pdf"])
def test_impose_never_writes_over_or_into_an_input(project: Path, tmp_path: Path, target: str):
    source = booklet_like(tmp_path / "grey.pdf", [0.5] * 4)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli_command, [str(source), "-o", str(project / target)], obj={"root": project})
    assert result.exit_code == 1 and "is one of the build's own inputs" in result.output, result.output
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
