"""The pages around the wishes, on real PDFs: no blank page inside a booklet or an edition,
the guide after the foreword and before the first wish, counting the edition's wishes, the
chapters at a reader's measure, and the A4 handout at the brief's sizes as printed."""

from __future__ import annotations

import html
import math
import re
import statistics
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.build import build, check, prepare
from booklet.compose import Plan
from booklet.handout import SAFE_MARGIN_MM, handout

from .conftest import ROOT, copy_project, page_texts

MM = 72 / 25.4
GUIDE = "Sådan er hæftet bygget op"
COUNT_WORDS = ["ét", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni"]
LONG_NAME = ("Det Fælleskommunale Samarbejde om Ledelse og Lederudvikling i Hovedstadsområdet og "
             "på Sjælland")
EDITIONS = {
    "one-wish": 'name: "Én Kommune"\nwishes: [2]\nabout:\n  title: "Om Én Kommune"\n'
                '  paragraphs: ["En kommune med ét ønske."]\n',
    "long-name": f'name: "{LONG_NAME}"\ncover_line: "Udgivet i samarbejde med {LONG_NAME}"\n'
                 'foreword:\n  placement: precede\n  paragraphs: ["Et kort forord."]\n'
                 '  signatories:\n    - name: "Eva Eksempel"\n      title: "Direktør"\n',
}


@pytest.fixture(scope="module")
def booklets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, Plan]]:
    """The booklet, both example editions and two made here (one wish; a very long name), built
    as print PDFs, each with its number of wishes and its page plan."""
    root = copy_project(tmp_path_factory.mktemp("pages") / "project")
    for slug, yaml in EDITIONS.items():
        (root / "source" / "editions" / slug).mkdir()
        (root / "source" / "editions" / slug / "edition.yaml").write_text(yaml, encoding="utf-8")
    built = {}
    for edition, wishes in [(None, 6), ("eksempel-kommune", 6), ("region-eksempel", 3), ("one-wish", 1),
                            ("long-name", 6)]:
        out = root / "dist" / f"{edition or 'booklet'}.pdf"
        build(root, "print", out, edition=edition)
        built[edition or "booklet"] = (out, wishes, prepare(root, edition=edition).plan)
    return built


CHAPTERS = ("foreword", "edition_foreword", "introduction", "organisation", "about", "offers")
NAMES = ["booklet", "eksempel-kommune", "region-eksempel", "one-wish", "long-name"]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", NAMES)
def test_no_blank_page_inside_and_a_multiple_of_four(booklets, name: str):
    texts = page_texts(booklets[name][0])
    assert len(texts) % 4 == 0
    inside = range(2, len(texts) - 1)  # 1-based: all but the covers; the inside covers may stay blank
    blank = [n for n in inside if not texts[n - 1].strip() and n not in (2, len(texts) - 1)]
    assert not blank, f"blank pages inside the booklet: {blank}"
    for n in inside:  # and no page holds only its number
        words = texts[n - 1].split()
        assert words != [str(n)], f"page {n} holds only its number"


@pytest.mark.parametrize("name", NAMES)
def test_the_guide_stands_after_the_foreword_before_the_first_wish_and_counts_its_wishes(booklets, name: str):
    pdf, wishes, _plan = booklets[name]
    texts = [flat(t) for t in page_texts(pdf)]
    foreword = min(n for n, t in enumerate(texts) if t.startswith(("Forord", "Kære ledere og chefer",)))
    guide = [n for n, t in enumerate(texts) if GUIDE in t]
    first_wish = min(n for n, t in enumerate(texts) if "Kære chef!" in t and "Vi har brug for" in t)
    assert len(guide) == 1 and foreword < guide[0] < first_wish
    said = texts[guide[0]]
    if wishes == 1:
        assert "ét af de tydeligste ønsker" in said
    else:
        assert f"de {COUNT_WORDS[wishes - 1]} tydeligste ønsker" in said
    for other in set(COUNT_WORDS) - {COUNT_WORDS[wishes - 1]}:
        assert f"de {other} tydeligste" not in said


def full_lines(pdf: Path) -> dict[int, list[str]]:
    """Each page's full lines, as poppler's pdftotext (not our layout code) reads them: its
    lines at least 80 % as long as the page's longest, so a paragraph's last line, a heading
    or a column of quotes beside the running text does not count."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    found = {}
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        lines = [" ".join(html.unescape(w) for w in re.findall(r"<word[^>]*>(.*?)</word>", line))
                 for line in re.findall(r"<line[^>]*>(.*?)</line>", page, re.S)]
        longest = max((len(line) for line in lines), default=0)
        found[number] = [line for line in lines if len(line) >= 0.8 * longest]
    return found


def measure(lines: list[str]) -> float:
    return statistics.median(len(line) for line in lines)


@pytest.mark.parametrize("name", ["booklet", "region-eksempel", "one-wish"])
def test_running_text_at_a_readers_measure(booklets, name: str):
    """The foreword, the introduction and the back matter: a median full line of 45-75
    characters (it was 85-87 in a 120 mm column)."""
    pdf, _wishes, plan = booklets[name]
    lines = full_lines(pdf)
    chapters = [n for p in plan.sequence if p.kind in CHAPTERS for n in range(p.number, p.number + p.span)]
    chapters = [n for n in chapters if len(lines[n]) >= 3]  # a page of one short paragraph has no measure
    assert len(chapters) >= 5
    for page in chapters:
        assert 45 <= measure(lines[page]) <= 75, f"page {page}: median full line {measure(lines[page])}"


def test_the_measure_check_fails_on_a_wide_column(tmp_path: Path):
    """The same reading of a page set as the chapters were, 120 mm wide at 9.3 pt, is too long."""
    from weasyprint import HTML

    seed = check(ROOT).introduction.blocks
    page = ('<style>@page { size: 148mm 210mm; margin: 14mm 13mm 17mm 15mm }'
            f'@font-face {{ font-family: S; src: url({(ROOT / "fonts" / "BookletSans-Regular.ttf").as_uri()}) }}'
            'body { font: 9.3pt/12.5pt S; width: 120mm }</style>'
            + "".join(f"<p>{b.value}</p>" for b in seed))
    out = tmp_path / "wide.pdf"
    HTML(string=page).write_pdf(out)
    assert measure(full_lines(out)[1]) > 75


def test_the_colophon_and_the_notes(booklets):
    texts = [flat(t) for t in page_texts(booklets["booklet"][0])]
    assert "© Væksthus for Ledelse 2016 · lederweb.dk" in texts[18]  # foot of the inside back cover
    region = [flat(t) for t in page_texts(booklets["region-eksempel"][0])]
    assert region[13].startswith("Noter") and region[14].startswith("Noter")
    assert "© Væksthus for Ledelse 2016" in region[14]
    long = [flat(t) for t in page_texts(booklets["long-name"][0])]
    assert "© Væksthus for Ledelse 2016" in long[1] and LONG_NAME in long[1]  # two forewords: p2
    assert LONG_NAME in long[0]


def printed_sizes(pdf: Path) -> list[tuple[float, str, float]]:
    """Every run of text on the sheet as printed: its size in pt (the font size through the text
    and the page matrices: the A4 sheet draws the A5 pages as forms), its font, its height."""
    found = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if not text.strip() or font is None:
            return
        a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
        c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append((size * math.sqrt(abs(a * d - b * c)), str(font.get("/BaseFont")), y))

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def a4_sheets(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = copy_project(tmp_path_factory.mktemp("a4") / "project")
    return [handout(root, str(n), layout="a4").output for n in range(1, 7)]


@pytest.mark.parametrize("number", range(1, 7))
def test_a4_handout_keeps_the_briefs_minimum_sizes_as_printed(a4_sheets, number: int):
    sheet = a4_sheets[number - 1]
    reader = PdfReader(sheet)
    assert [round(float(v) / MM) for v in reader.pages[0].mediabox[2:]] == [297, 210]
    runs = [(size, font) for size, font, y in printed_sizes(sheet) if y > 17 * MM]  # not the footer
    body = [size for size, font in runs if "Booklet-Sans" in font]
    quotes = [size for size, font in runs if "Booklet-Serif-Italic" in font]
    assert body and quotes
    assert min(body) >= 8.5 - 0.01 and min(quotes) >= 8 - 0.01, (min(body), min(quotes))


def test_a4_bands_stop_inside_the_printers_margin(a4_sheets):
    """No band is clipped: a tinted panel ends SAFE_MARGIN_MM inside the sheet on every side
    it would have bled off (read from the rendered pixels: the sheet's edge stays paper)."""
    from PIL import Image

    png = a4_sheets[0].with_suffix("")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(a4_sheets[0]), str(png)], check=True)
    image = Image.open(f"{png}.png").convert("L")
    edge = round((SAFE_MARGIN_MM - 1) * 50 / 25.4)
    w, h = image.size
    strips = [image.crop((0, 0, w, edge)), image.crop((0, 0, edge, h)), image.crop((w - edge, 0, w, h))]
    assert all(min(strip.tobytes()) > 245 for strip in strips), "a band reaches the sheet's edge"
