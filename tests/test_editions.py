"""Editions: data, not templates; bad and hostile editions get clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

import booklet.build
from booklet.build import body_ids, build, prepare
from booklet.cli import main
from booklet.errors import BookletError
from booklet.verify import pdf_fonts

from .conftest import ROOT, Subsetter, copy_project, page_texts

KOMMUNE = "source/editions/eksempel-kommune"


def problems_of(root: Path, slug: str) -> list[str]:
    with pytest.raises(BookletError) as caught:
        prepare(root, edition=slug)
    return [str(p) for p in caught.value.problems]


def write_edition(project: Path, text: str, slug: str = "test") -> Path:
    folder = project / "source/editions" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.yaml").write_text(text, encoding="utf-8")
    return folder


def test_example_editions_are_valid():
    kommune = prepare(ROOT, edition="eksempel-kommune")
    assert kommune.plan.total == 24 and kommune.plan.total % 4 == 0
    region = prepare(ROOT, edition="region-eksempel")
    assert [w.number for w in region.edition.wishes] == [1, 3, 4]
    assert region.plan.total == 16
    for job in (kommune, region):
        letters = [p for p in job.plan.sequence if p.kind == "letter"]
        assert all(p.number % 2 == 0 and job.plan.sequence[job.plan.sequence.index(p) + 1].kind == "reply"
                   for p in letters)


def test_edition_pdf_keeps_the_booklets_guarantees(subsetter: Subsetter, tmp_path: Path):
    out = tmp_path / "kommune.pdf"
    result = build(ROOT, "print", out, edition="eksempel-kommune")
    assert result.pages == 24
    texts = [" ".join(t.split()) for t in page_texts(out)]
    assert "Udgivet i samarbejde med Eksempel Kommune" in texts[0]
    assert "© Væksthus for Ledelse 2016" in texts[1]  # two forewords: the colophon takes page 2
    assert texts[2].startswith("Kære ledere og chefer i Eksempel Kommune")
    assert texts[3].startswith("Forord")  # the publisher's, preceded by the edition's
    assert "Om Eksempel Kommune" in texts[19]
    assert texts[22].startswith("Noter")  # the room left, used: no blank page
    for page in range(8, 20, 2):
        assert "Kære chef!" in texts[page - 1] and "Kære ledere!" in texts[page]
    reader = PdfReader(out)
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/OutputConditionIdentifier"] == "FOGRA39"
    again = tmp_path / "again.pdf"
    build(ROOT, "print", again, edition="eksempel-kommune")
    assert again.read_bytes() == out.read_bytes()
    assert subsetter.was_used()


def test_text_is_text(project: Path, tmp_path: Path):
    name = '<b>Åben & Ærlig</b> "Kommune"'
    write_edition(project, f"name: '{name}'\n")
    out = tmp_path / "e.pdf"
    build(project, "screen", out, edition="test")
    assert name in " ".join(page_texts(out)[0].split())


def test_bad_edition_reports_everything_at_once(project: Path):
    folder = write_edition(project, """name: "X"
logo: missing.png
colours:
  cover: [0, 0, 0, 120]
  sky: [1, 2, 3, 4]
screen_colours:
  cover: "blue"
wishes: [1, 9, nope]
flavour: sweet
""")
    assert folder.exists()
    found = problems_of(project, "test")
    assert "source/editions/test/edition.yaml:2: 'logo' file not found: missing.png" in found
    assert any(m.startswith("source/editions/test/edition.yaml:4: colour 'cover' must be [C, M, Y, K]")
               for m in found)
    assert any(m.startswith("source/editions/test/edition.yaml:5: unknown colours name 'sky'") for m in found)
    assert "source/editions/test/edition.yaml:7: colour 'cover' must be #rrggbb" in found
    assert any(m.startswith("source/editions/test/edition.yaml:9: unknown key 'flavour'") for m in found)


def test_unknown_wish_lists_the_valid_ones(project: Path):
    write_edition(project, 'name: "X"\nwishes: [1, 9, nope, 1]\n')
    found = problems_of(project, "test")
    assert any(m.startswith("source/editions/test/edition.yaml:2: unknown wish '9' (valid: 1 (strategisk-retning)")
               for m in found)
    assert any("unknown wish 'nope'" in m for m in found)
    assert any("wish '1' is selected twice" in m for m in found)


@pytest.mark.parametrize("logo", ["../../../layouts/icc/README.md", "/etc/passwd", "file:///etc/passwd",
                                  "https://example.org/logo.png", "sub/../../x.png"])
def test_asset_paths_must_stay_inside(project: Path, logo: str):
    write_edition(project, f'name: "X"\nlogo: "{logo}"\n')
    (found,) = problems_of(project, "test")
    assert found.startswith("source/editions/test/edition.yaml:2: 'logo' must be a file inside") or \
        "leads outside" in found


def test_logo_resolution_and_readability(project: Path):
    folder = write_edition(project, 'name: "X"\nlogo: small.png\n')
    Image.new("RGB", (120, 40), "red").save(folder / "small.png")
    (found,) = problems_of(project, "test")
    assert "small.png is 120 px wide: 102 dpi at its printed width of 30 mm; print needs 300 dpi (354 px)" in found
    Image.new("RGB", (400, 120), "red").save(folder / "small.png")
    prepare(project, edition="test")
    (folder / "small.png").write_bytes(b"not an image")
    (found,) = problems_of(project, "test")
    assert "cannot be read as an image" in found


def test_svg_logo_that_reaches_outside_is_refused(project: Path):
    folder = write_edition(project, 'name: "X"\nlogo: logo.svg\n')
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                     'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
                                     '<image xlink:href="file:///etc/hostname" width="10" height="10"/></svg>')
    (found,) = problems_of(project, "test")
    assert "refers to an outside resource ('file:///etc/hostname')" in found


def test_renderer_cannot_leak_outside_files_even_past_validation(project: Path, tmp_path: Path):
    """Defence in depth: the fetcher itself refuses what an SVG asks for (WeasyPrint loads an
    SVG's images when it writes the PDF, which the build guards as it guards layout)."""
    from booklet.finish import pdf_bytes
    from booklet.render import render_html

    secret = tmp_path / "secret.png"
    Image.new("RGB", (50, 50), "red").save(secret)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50">'
           f'<image href="{secret.as_uri()}" width="50" height="50"/></svg>')
    folder = project / "source/editions/x"
    folder.mkdir(parents=True)
    (folder / "logo.svg").write_text(svg)
    html = f'<img src="{(folder / "logo.svg").as_uri()}">'
    document = render_html(html, folder.as_uri() + "/", [folder], "screen")
    with pytest.raises(BookletError, match="refused to load .*secret.png: outside the project's folders"):
        pdf_bytes(document, "screen", {}, b"seed")


def test_new_edition_scaffold_then_check(project: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(project), "new-edition", "ny-kommune", "--name", "Ny Kommune"])
    assert result.exit_code == 0, result.output
    assert (project / "source/editions/ny-kommune/edition.yaml").is_file()
    check = runner.invoke(main, ["--root", str(project), "check", "--edition", "ny-kommune"])
    assert check.exit_code == 0 and "20 pages" in check.output
    again = runner.invoke(main, ["--root", str(project), "new-edition", "ny-kommune", "--name", "Ny"])
    assert again.exit_code == 1 and "exists already" in again.output


def test_editions_command_builds_all_and_one_failure_does_not_stop_the_others(project: Path):
    write_edition(project, 'name: "Broken"\nwishes: [42]\n', slug="broken")
    result = CliRunner().invoke(main, ["--root", str(project), "editions", "--jobs", "2", "--variant", "screen"])
    assert result.exit_code == 1
    out = result.output
    assert "broken" in out and "FAILED" in out and "unknown wish '42'" in out
    assert "eksempel-kommune     24" in out and "region-eksempel      16" in out
    built = sorted(p.name for p in (project / "dist/editions").glob("*.pdf"))
    assert built == ["kaere-chef-kaere-ledere-eksempel-kommune-screen.pdf",
                     "kaere-chef-kaere-ledere-region-eksempel-screen.pdf"]


def test_shared_body_gives_the_same_bytes_as_a_full_render(project: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    """An edition combined from a shared body, after another edition used it, is byte for
    byte the PDF that `booklet build --edition` writes (the shared pages are drawn once per
    edition: drawing must not change them), with crop marks or bare boxes as asked."""
    from booklet.batch import build_one

    write_edition(project, 'name: "A"\ncover_line: "Udgivet i samarbejde med A"\n', slug="a")
    write_edition(project, 'name: "B"\ncover_line: "Udgivet i samarbejde med B"\n', slug="b")
    assert build_one(str(project), "a", "print", str(tmp_path)).ok
    laid_out = []
    render = booklet.build._render
    monkeypatch.setattr(booklet.build, "_render", lambda job, include: laid_out.append(include) or
                        render(job, include))
    outcome = build_one(str(project), "b", "print", str(tmp_path))  # reuses a's body
    assert outcome.ok, outcome.message
    plan = prepare(project, edition="b").plan
    own = set(plan.pages) - body_ids(plan)  # all b lays out: its covers and own pages
    assert laid_out and all(include is not None and include <= own for include in laid_out), laid_out
    assert "andre-tilbud" in own  # the page with the colophon, which names the edition
    full = tmp_path / "full.pdf"
    build(project, "print", full, edition="b")
    assert Path(outcome.message).read_bytes() == full.read_bytes()
    bare = build_one(str(project), "b", "print", str(tmp_path / "bare"), "none")
    assert bare.ok, bare.message
    for page in PdfReader(bare.message).pages:
        assert [float(v) for v in page.mediabox] == [float(v) for v in page.bleedbox]


def test_edition_type_family_is_embedded_and_nothing_else(tmp_path: Path):
    out = tmp_path / "region.pdf"
    build(ROOT, "print", out, edition="region-eksempel")
    fonts = {name.split("+")[-1] for name in pdf_fonts(PdfReader(out))}
    assert any(name.startswith("Edition-Sans") for name in fonts), fonts
    assert all(name.startswith(("Edition-Sans", "Booklet-Sans", "Booklet-Serif")) for name in fonts), fonts


def test_edition_type_family_from_the_projects_fonts_and_missing_glyphs(project: Path, tmp_path: Path):
    folder = write_edition(project, """name: "X"
type_family:
  name: "Source"
  regular: fonts/BookletSans-Regular.ttf
  italic: fonts/BookletSans-Italic.ttf
  bold: fonts/BookletSans-Bold.ttf
  licence: fonts/OFL-SourceSans3.txt
""")
    assert prepare(project, edition="test").edition.data.type_family.regular.path == \
        (project / "fonts/BookletSans-Regular.ttf").resolve()
    (folder / "edition.yaml").write_text((folder / "edition.yaml").read_text().replace(
        "fonts/BookletSans-Bold.ttf", "../../../fonts/BookletSans-Bold.ttf"))
    (found,) = problems_of(project, "test")
    assert "'bold' must be a file inside the edition's folder" in found


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size: Pillow reads the header, no pixels need exist."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("size", "expected"), [
    ((12_000, 12_000), "logo big.png has 144,000,000 pixels (12,000 × 12,000 px); at most 16,000,000 pixels"),
    ((30_000, 30_000), "logo big.png has 900,000,000 pixels; at most 16,000,000 pixels"),  # Pillow's bomb
])
def test_a_raster_logo_with_too_many_pixels_is_named_at_its_line(project: Path, size, expected: str):
    folder = write_edition(project, 'name: "X"\nlogo: big.png\n')
    (folder / "big.png").write_bytes(png_header(*size))
    (found,) = problems_of(project, "test")
    assert found.startswith(f"source/editions/test/edition.yaml:2: {expected}")


def svg(body: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{body}</svg>'


@pytest.mark.parametrize(("body", "expected"), [
    ("<style>@import url(x.css);</style><rect width='1' height='1'/>",
     "logo logo.svg refers to an outside resource in its <style> (@import or url()); a logo must be "
     "self-contained"),
    ("<style>rect { fill: url(https://example.org/p.svg) }</style>",
     "logo logo.svg refers to an outside resource in its <style> (@import or url()); a logo must be "
     "self-contained"),
    ("<rect fill='red' stroke='hsl(0, 50%, 50%)' width='1' height='1'/>",
     "logo logo.svg uses colours print cannot convert to CMYK ('hsl(0, 50%, 50%)', 'red'): give them as "
     "#rrggbb, #rgb, rgb(r, g, b), black or white"),
    ("".join(f"<rect fill='#{n:06x}' width='1' height='1'/>" for n in range(6000)),
     "logo logo.svg holds 6,000 colour values; at most 5,000 (each is converted to CMYK)"),
    ("<defs><rect id='l0' width='1' height='1'/>"  # 2 KB that WeasyPrint would draw for ever
     + "".join(f"<g id='l{n}'>" + f"<use href='#l{n - 1}'/>" * 10 + "</g>" for n in range(1, 9))
     + "</defs><use href='#l8'/>",
     "logo logo.svg draws 469,135,793 elements once its <use> references are expanded; at most 20,000"),
    ("<g id='a'><use href='#a'/></g>", "logo logo.svg has a <use> that refers to an element containing it"),
    ("<g>" * 3000 + "</g>" * 3000, "logo logo.svg nests elements more than 100 deep"),
    # text in a font the booklet does not have would print in a system font (verify would
    # only name the font, not the logo)
    ("<g font-family='Booklet Sans'><text>Kommune<tspan style='font-family: Arial, sans-serif'>X</tspan></text>"
     "</g><text>Y</text>",
     "logo logo.svg sets text in 'Arial', not a font the booklet has and names no font for text (it would "
     "print in a system font): use Booklet Sans or Booklet Serif, or draw the text as paths"),
    ("<style>text { font-family: 'Lato' }</style><text>Region</text>",
     "logo logo.svg sets text in 'Lato', not a font the booklet has (it would print in a system font): use "
     "Booklet Sans or Booklet Serif, or draw the text as paths"),
])
def test_svg_logo_problems_are_caught_by_check(project: Path, body: str, expected: str):
    folder = write_edition(project, 'name: "X"\nlogo: logo.svg\n')
    (folder / "logo.svg").write_text(svg(body))
    result = CliRunner().invoke(main, ["--root", str(project), "check", "--edition", "test"])
    assert result.exit_code == 1
    assert result.output == f"source/editions/test/edition.yaml:2: {expected}\n"


def test_an_edition_folder_linked_from_outside_is_refused(project: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    (outside / "evil").mkdir(parents=True)
    (outside / "evil/edition.yaml").write_text('name: "Evil"\n')
    (project / "source/editions/evil").symlink_to(outside / "evil")
    assert problems_of(project, "evil") == [f"source/editions/evil: is a link to {outside / 'evil'}, outside "
                                            "the project: booklet reads only the project's own files"]


def test_a_long_slug_is_one_clear_line(project: Path):
    result = CliRunner().invoke(main, ["--root", str(project), "new-edition", "a" * 300, "--name", "X"])
    assert result.exit_code == 1
    assert result.output == (f"booklet: edition '{'a' * 60}…': a slug is lower-case letters, digits and "
                             "dashes, at most 60 characters\n")


def test_a_glyph_the_edition_fonts_lack_is_named_at_its_line(project: Path):
    write_edition(project, 'name: "X"\ncover_line: "Udgivet med ☃"\n')
    (found,) = problems_of(project, "test")
    assert found.startswith("source/editions/test/edition.yaml:2: the fonts have no glyph for '☃' (U+2603) in ")


def test_legitimate_odd_names_build(tmp_path: Path):
    """A project folder with a space, a font file named «Æ x.ttf» and an SVG logo that relies
    on SVG's default fill (black, converted to CMYK like any other colour) build and pass the
    build's own verification (no RGB, only our fonts)."""
    project = copy_project(tmp_path / "pro j")
    folder = project / "source/editions/region-eksempel"
    (folder / "fonts/Lato-Bold.ttf").rename(folder / "fonts/Æ x.ttf")  # the face the headings use
    yaml = folder / "edition.yaml"
    yaml.write_text(yaml.read_text().replace("fonts/Lato-Bold.ttf", '"fonts/Æ x.ttf"'))
    (folder / "logo.svg").write_text(svg("<rect width='10' height='4'/><circle cx='5' cy='7' r='3'/>"))
    result = build(project, "print", tmp_path / "region.pdf", edition="region-eksempel")
    assert result.pages == 16
    fonts = {name.split("+")[-1] for name in pdf_fonts(PdfReader(tmp_path / "region.pdf"))}
    assert "Edition-Sans-Bold" in fonts, fonts


def test_the_example_logos_name_a_generic_family_after_the_booklets():
    # a logo shown as an image (web page, e-book cover) cannot use the page's fonts: without a
    # generic family its words fall back to the browser's serif
    for logo in sorted((ROOT / "source" / "editions").glob("*/logo.svg")):
        families = re.findall(r'font-family="([^"]+)"', logo.read_text())
        assert families and all(f.split(",")[-1].strip() in {"sans-serif", "serif"} for f in families), logo


def noisy_png(width: int, height: int, *, truncate: bool = False) -> bytes:
    """A PNG whose chunks are all valid (lengths, checksums) but whose pixel data is noise,
    or is cut short: only decoding the pixels tells."""
    import random
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    noise = random.Random(16).randbytes(width * height * 3)
    if truncate:
        rows = b"".join(b"\0" + bytes(width * 3) for _ in range(height))
        pixels = zlib.compress(rows)[: len(zlib.compress(rows)) // 2]
    else:
        pixels = noise
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def image_bytes(kind: str, size: tuple[int, int] = (400, 200)) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("logo.png", lambda: noisy_png(400, 200), "logo logo.png cannot be decoded as a PNG image"),
    ("logo.png", lambda: noisy_png(400, 200, truncate=True), "logo logo.png cannot be decoded as a PNG image"),
    ("logo.png", lambda: image_bytes("TIFF"), "logo logo.png is a TIFF image, not PNG as its name says"),
    ("logo.png", lambda: image_bytes("BMP"), "logo logo.png is a BMP image, not PNG as its name says"),
    ("logo.png", lambda: image_bytes("WEBP"), "logo logo.png is a WebP image, not PNG as its name says"),
    ("logo.png", lambda: image_bytes("GIF"), "logo logo.png is a GIF image, not PNG as its name says"),
    ("logo.png", lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 50\nshowpage\n",
     "logo logo.png is an EPS file, not PNG as its name says"),
    ("logo.jpg", lambda: image_bytes("PNG"), "logo logo.jpg is PNG, not JPEG as its name says"),
    ("logo.png", lambda: image_bytes("PNG", (70_000, 1)),
     "logo logo.png is 70000 × 1: at its 30 mm width it would be 0.000429 mm tall"),
    ("logo.png", lambda: image_bytes("PNG", (400, 4000)),
     "logo logo.png is 400 × 4000: at its 30 mm width it would be 300 mm tall"),
])
def test_a_raster_logo_is_judged_by_decoding_its_content(project: Path, name: str, data, expected: str):
    folder = write_edition(project, f'name: "X"\nlogo: {name}\n')
    (folder / name).write_bytes(data())
    (found,) = problems_of(project, "test")
    assert found.startswith(f"source/editions/test/edition.yaml:2: {expected}"), found


@pytest.mark.parametrize(("root", "body", "expected"), [
    ("<svg xmlns='http://www.w3.org/2000/svg'>", "<rect width='1' height='1'/>",
     "logo logo.svg has no size: give its <svg> a viewBox"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 0 10'>", "",
     "logo logo.svg has a viewBox of '0 0 0 10': its width and height must be from 0.001 to 1,000,000"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1e300 10'>", "",
     "logo logo.svg has a viewBox of '0 0 1e300 10': its width and height must be from 0.001"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1000'>", "",
     "logo logo.svg is 1 × 1000: at its 30 mm width it would be 3e+04 mm tall"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 5'>", r"<style>@\69 mport url(x.css);</style>",
     "logo logo.svg refers to an outside resource in its <style> (@import or url())"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 5'>", r"<style>rect{fill:\75rl(x.svg)}</style>",
     "logo logo.svg refers to an outside resource in its <style> (@import or url())"),
    ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 5'>", "<image href='#x' width='1' height='1'/>",
     "logo logo.svg has an <image> element; a logo is drawn in SVG shapes"),
])
def test_svg_logo_size_and_hidden_references_are_caught_by_check(project: Path, root: str, body: str,
                                                                   expected: str):
    folder = write_edition(project, 'name: "X"\nlogo: logo.svg\n')
    (folder / "logo.svg").write_text(f"{root}{body}</svg>")
    result = CliRunner().invoke(main, ["--root", str(project), "check", "--edition", "test"])
    assert result.exit_code == 1
    assert result.output.startswith(f"source/editions/test/edition.yaml:2: {expected}"), result.output
    assert result.output.count("\n") == 1


def test_a_logo_that_is_a_loop_of_links_is_named_at_its_line(project: Path):
    folder = write_edition(project, 'name: "X"\nlogo: loop.svg\n')
    (folder / "loop.svg").symlink_to(folder / "loop.svg")
    assert problems_of(project, "test") == ["source/editions/test/edition.yaml:2: 'logo' loop.svg is a loop of "
                                            "symbolic links"]


def test_a_corrupt_edition_font_is_refused_at_its_file(project: Path):
    """A font whose cmap reads but whose outlines or widths are noise sets invisible or piled-up
    headings: check refuses it at its file."""
    import random

    from fontTools.ttLib import TTFont

    font = project / "source/editions/region-eksempel/fonts/Lato-Bold.ttf"
    raw = bytearray(font.read_bytes())
    for tag in ("glyf", "hmtx"):
        table = TTFont(font).reader.tables[tag]
        damaged = raw.copy()
        damaged[table.offset:table.offset + table.length] = random.Random(16).randbytes(table.length)
        font.write_bytes(damaged)
        result = CliRunner().invoke(main, ["--root", str(project), "check", "--edition", "region-eksempel"])
        assert result.exit_code == 1, result.output
        assert result.output.startswith("source/editions/region-eksempel/fonts/Lato-Bold.ttf: cannot be read as a "
                                        "font"), result.output
        assert result.output.count("\n") == 1


def test_new_edition_refuses_a_name_its_own_check_would_refuse(project: Path):
    result = CliRunner().invoke(main, ["--root", str(project), "new-edition", "esc", "--name", "Evil\x1b]0;x\x07"])
    assert result.exit_code == 1 and "\x1b" not in result.output
    assert result.output == "booklet: --name holds a control character (U+001B): 'Evil\\x1b]0;x\\x07'\n"
    assert not (project / "source/editions/esc").exists()


def test_a_wish_slug_that_is_an_id_of_the_web_page_is_named_at_its_file(project: Path):
    from booklet.web import build_web

    wish = project / "source/wishes/1-strategisk-retning.yaml"
    wish.write_text(wish.read_text().replace('slug: "strategisk-retning"', 'slug: "indhold"'))
    wish.rename(wish.with_name("1-indhold.yaml"))
    with pytest.raises(BookletError) as caught:
        build_web(project, output=project / "dist/site")
    assert [str(p) for p in caught.value.problems] == [
        "source/wishes/1-indhold.yaml:1: slug 'indhold' is also the id of another part of the web page (its links "
        "would go there); choose another slug"]
