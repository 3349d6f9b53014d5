"""The typographic report: each defect is detected on a page made to have it; the booklet has none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from weasyprint import HTML

from booklet.build import Copyfit, layout, prepare, skip_pages
from booklet.cli import main
from booklet.compose import LAST_STEP, PlannedPage, plan_handout, size_pt
from booklet.render import Band
from booklet.typography import NO_BREAK, balance, inspect, typeset

from .conftest import ROOT
from .pdflines import hyphenated_tails

PAGE = "<style>@page { size: 60mm 60mm; margin: 5mm } body { font: 9pt/12pt sans-serif; margin: 0 }</style>"
LONG = ("Det er ledernes ønsker til deres chef, der er i fokus, ikke politikernes, topledelsens eller "
        "omverdenens. ")


def kinds(html: str) -> list[str]:
    return [d.kind for d in inspect(HTML(string=PAGE + html).render())]


def test_runt():
    assert kinds('<p style="width: 34mm">Det handler om frihed under ansvar og tillid i det hele mig.</p>') == ["runt"]
    tied = typeset("Det handler om frihed under ansvar og tillid i det hele mig.")
    assert "\u00a0mig." in tied
    assert kinds(f'<p style="width: 34mm">{tied}</p>') == []


def test_three_hyphenated_lines_in_a_row():
    html = ('<p lang="da" style="width: 19mm; hyphens: auto; hyphenate-limit-chars: 4 2 2">'
            "forhandlingsfællesskabet sekretariatschefen kommunaldirektøren</p>")
    found = inspect(HTML(string=PAGE + html).render())
    assert "hyphens" in [d.kind for d in found]
    assert all(d.word for d in found if d.kind == "hyphens")


def test_widow_and_orphan():
    fill = '<div style="height: 41mm"></div>'
    orphan = kinds(fill + f'<p style="orphans: 1; widows: 1">{LONG * 2}</p>')
    assert "orphan" in orphan
    widow = kinds('<div style="height: 14mm"></div>' + f'<p style="orphans: 1; widows: 1">{LONG * 2}</p>')
    assert "widow" in widow


def test_stranded_heading():
    html = '<div style="height: 44mm"></div><h3 style="break-after: auto; margin: 0">Fire typiske forskelle</h3>' \
           f"<p>{LONG}</p>"
    assert "stranded-heading" in kinds(html)
    fine = '<div style="height: 10mm"></div><h3 style="margin: 0">Fire typiske forskelle</h3>' f"<p>{LONG}</p>"
    assert "stranded-heading" not in kinds(fine)


def test_hyphenated_tail():
    text = "Vi samarbejder med organisationen"
    html = '<p lang="da" style="width: 28mm; hyphens: auto; hyphenate-limit-chars: 4 2 2">{}</p>'
    found = inspect(HTML(string=PAGE + html.format(text)).render())
    assert [(d.kind, d.word) for d in found] == [("hyphen-tail", "organisationen")]
    assert kinds(html.format(typeset(text, {"organisationen"}))) == []  # the repair: kept whole


def test_one_word_title_line():
    title = "Jeg forstår jeres behov for en tydelig strategisk retning"
    html = '<h2 style="width: 40mm; font-size: 10pt; margin: 0">{}</h2><p>Tekst.</p>'
    assert kinds(html.format(title)) == ["title-runt"]
    assert kinds(html.format(balance(title))) == []
    salutation = '<p class="salutation" style="width: 12mm">{}</p><p>Tekst.</p>'  # a class, not <h*>
    assert kinds(salutation.format("Kære ledere!")) == ["title-runt"]
    assert kinds(salutation.format(balance("Kære ledere!"))) == []


def test_balance_ties():
    assert balance("sparring og helhedstænkning i ledelsesteamet") == \
        f"sparring og helhedstænkning i{NO_BREAK}ledelsesteamet"
    assert balance("retning – og mål for vores ledelse") == \
        f"retning{NO_BREAK}– og mål for vores{NO_BREAK}ledelse"
    assert balance("Det indebærer blandt andet …") == f"Det indebærer blandt{NO_BREAK}andet{NO_BREAK}…"
    assert balance("Forord") == "Forord"


def test_a_line_after_a_forced_break_is_as_written():
    assert kinds('<p style="width: 50mm">Bo Eksempel, Eksempel Kommune<br>HR-chef</p>') == []


def test_copyfit_finds_the_largest_size_that_fits():
    """The search, on a spread whose sides overflow less at each step, one side more than the
    other: it settles at the first step where both fit, after few layouts."""
    pages = [PlannedPage(f"s-{side}", kind, number, f"wish 9 (s), {kind}", group="s")
             for side, kind, number in (("l", "letter", 6), ("r", "reply", 7))]
    search, renders = Copyfit(pages), 0
    need = {"s-l": 3, "s-r": 6}  # each side fits from this step on
    while not search.done:
        renders += 1
        step = pages[0].step
        over = {id: (n - step) * 4.0 for id, n in need.items() if step < n}
        band = Band(50.0, (20.0, 30.0), 40.0)  # the band runs past every unit: none under it
        assert search.update(over, {p.id: band for p in pages}, {}) in ("tries", "fits", "settled")
        assert renders < 8
    assert [p.step for p in pages] == [6, 6] and size_pt(6) == 8.9
    hopeless = [PlannedPage("h", "letter", 6, "wish 9 (h), letter", group="h")]
    search = Copyfit(hopeless)
    outcomes = []
    while not outcomes or outcomes[-1] == "tries":
        outcomes.append(search.update({"h": 50.0}, {}, {}))
    assert outcomes[-1] == "overflow" and hopeless[0].step == LAST_STEP


def test_css_sets_the_size_python_reports(tmp_path: Path):
    job = prepare(ROOT)
    page = job.plan.pages["wish-sparring-letter"]
    page.step = 7
    html = job.compose({page.id})
    document = HTML(string=html, base_url=job.project.layouts.as_uri() + "/").render()
    sizes = {round(b.style["font_size"] * 0.75, 2) for b in document.pages[page.number - 1]._page_box.descendants()
             if b.element_tag == "li"}
    assert sizes == {size_pt(7)} == {8.8}


TODAY = {1: 8.75, 2: 8.5, 3: 8.5, 4: 8.5, 5: 8.75, 6: 8.75}  # the sizes before copyfit in 0.1 pt steps


def test_the_booklet_has_no_defects():
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--typography"])
    assert result.exit_code == 0, result.output
    sizes = {int(n): float(pt) for n, pt in re.findall(r"wish (\d) \([a-z-]+\), letter: body (\d\.\d) pt", result.output)}
    assert sizes.keys() == TODAY.keys()
    assert all(sizes[n] >= TODAY[n] for n in TODAY), sizes  # no spread smaller than before
    for n in sizes:  # both sides of a spread share one size
        assert re.search(rf"wish {n} \([a-z-]+\), reply: body {sizes[n]} pt", result.output)
    assert result.output.rstrip().endswith("no widows, orphans, lone words, hyphenated tails, runs of hyphens, "
                                           "one-word title lines or stranded headings")


@pytest.mark.parametrize("edition", ["eksempel-kommune", "region-eksempel"])
def test_the_editions_have_no_defects(edition: str):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--typography", "--edition", edition])
    assert result.exit_code == 0, result.output


def test_the_handouts_have_no_defects():
    job = prepare(ROOT)
    for wish in job.content.wishes:
        job.plan = plan_handout(wish)
        _, document, bad = layout(job)
        assert bad == [] and inspect(document, skip_pages(job.plan, None)) == [], wish.slug


def test_pdftotext_finds_no_hyphenated_tail(print_pdf: Path, screen_pdf: Path, tmp_path: Path):
    """A reader that is not ours: poppler's lines. It does see a tail where there is one."""
    made = tmp_path / "tail.pdf"
    HTML(string=PAGE + '<p lang="da" style="width: 28mm; hyphens: auto; hyphenate-limit-chars: 4 2 2">'
         "Vi samarbejder med organisationen</p>").write_pdf(made)
    assert len(hyphenated_tails(made)) == 1
    assert hyphenated_tails(print_pdf) == []
    assert hyphenated_tails(screen_pdf) == []
