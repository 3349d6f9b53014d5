"""Editions: data, not templates; bad and hostile editions get clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from booklet.build import build, prepare
from booklet.cli import main
from booklet.errors import BookletError
from booklet.verify import pdf_fonts

from .conftest import ROOT, Subsetter, page_texts

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
    assert texts[1].startswith("Kære ledere og chefer i Eksempel Kommune")
    assert texts[2].startswith("Forord")  # the publisher's, preceded by the edition's
    assert "Om Eksempel Kommune" in texts[17]
    assert texts[21] == "" and texts[22] == ""  # deliberate blanks, no page number
    for page in range(6, 18, 2):
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
        pdf_bytes(document, "screen", False, b"seed")


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


def test_shared_body_gives_the_same_bytes_as_a_full_render(project: Path, tmp_path: Path):
    """An edition combined from a shared body, after another edition used it, is byte for
    byte the PDF that `booklet build --edition` writes (WeasyPrint 70 adds the crop marks to a
    page each time it draws it: the shared pages must not collect them)."""
    from booklet.batch import build_one

    write_edition(project, 'name: "A"\ncover_line: "Udgivet i samarbejde med A"\n', slug="a")
    write_edition(project, 'name: "B"\ncover_line: "Udgivet i samarbejde med B"\n', slug="b")
    assert build_one(str(project), "a", "print", str(tmp_path)).ok
    outcome = build_one(str(project), "b", "print", str(tmp_path))  # reuses a's body
    assert outcome.ok, outcome.message
    full = tmp_path / "full.pdf"
    build(project, "print", full, edition="b")
    assert Path(outcome.message).read_bytes() == full.read_bytes()


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
