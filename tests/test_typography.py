"""The typographic report: each defect is detected on a page made to have it; the booklet has none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from weasyprint import HTML

from booklet.build import layout, prepare, skip_pages
from booklet.cli import main
from booklet.compose import GRID_STEP, plan_handout, size_pt
from booklet.hyphenate import Exceptions, Hyphenator
from booklet.typography import NO_BREAK, balance, grid_facts, inspect, typeset

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
    assert [(d.kind, d.word) for d in found][-1] == ("hyphen-tail", "organisationen")
    manual = '<p lang="da" style="width: 28mm; hyphens: manual">{}</p>'
    assert "hyphen-tail" in kinds(manual.format(typeset(text)))  # the policy's soft hyphens, as in the booklet
    assert kinds(manual.format(typeset(text, {"organisationen"}))) == []  # the repair: kept whole


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


def test_css_sets_the_size_python_reports(tmp_path: Path):
    """A chapter page at its copyfit step; a wish side at the grid's one size, whatever its step."""
    job = prepare(ROOT)
    # the introduction's last page is closed by the guide, with its bullets
    guide, wish = job.plan.pages["introduktion-3"], job.plan.pages["wish-sparring-letter"]
    guide.step = wish.step = 7
    html = job.compose({guide.id, wish.id})
    document = HTML(string=html, base_url=job.project.layouts.as_uri() + "/").render()

    def sizes(page):
        return {round(b.style["font_size"] * 0.75, 2) for b in document.pages[page.number - 1]._page_box.descendants()
                if b.element_tag == "li"}
    assert sizes(guide) == {size_pt(7)} == {8.8}
    assert sizes(wish) == {size_pt(GRID_STEP)} == {8.5}


def test_the_booklet_has_no_defects():
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--typography"])
    assert result.exit_code == 0, result.output
    sides = re.findall(r"wish \d \([a-z-]+\), (?:letter|reply): (.*)", result.output)
    assert len(sides) == 12 and set(sides) == {"body 8.5 pt (the wish grid)"}
    assert result.output.rstrip().endswith("wish pages off the grid, one-word title lines or stranded headings")


def test_the_wish_pages_share_one_grid(print_pdf: Path):
    """Measured on the laid-out pages: one band, one salutation place and size, one body and
    quote size on all twelve wish pages, the closing section under the band on each."""
    job = prepare(ROOT)
    _, document, bad = layout(job)
    facts = [grid_facts(page) for page in document.pages[5:17]]
    assert bad == [] and all(facts) and all(f == facts[0] for f in facts), facts
    assert facts[0]["body size"] == 8.5 and facts[0]["quote size"] == 8.0
    assert facts[0]["band width"] == 5 + 34 + 3.5  # inset from the trim, the quotes' measure, the pad
    assert facts[0]["band depth"] == 158 and facts[0]["salutation from outer edge"] == 47


def _wish_pages(extra_css: str = "", page_style: str = ""):
    """The booklet's wish pages, laid out; ``page_style`` goes on the third wish page only."""
    job = prepare(ROOT)
    ids = {p.id for p in job.plan.pages.values() if p.wish}
    html = job.compose(ids).replace('id="wish-sparring-letter" style="', f'id="wish-sparring-letter" style="{page_style}')
    html = html.replace("</head>", f"<style>{extra_css}</style></head>")
    document = HTML(string=html, base_url=job.project.layouts.as_uri() + "/").render()
    return inspect(document, {n for n in range(1, 21) if not 6 <= n <= 17})


def test_a_wish_page_off_the_grid_is_reported():
    found = _wish_pages(page_style="--band-text: 30mm; --salutation-size: 17pt; --body-size: 8.75pt; ")
    off = {d.text.split(" ")[0] + " " + d.text.split(" ")[1] for d in found if d.kind == "off-grid"}
    assert {d.page for d in found if d.kind == "off-grid"} == {10}
    assert {"band width", "salutation size", "body size", "main column"} <= off, found


def test_a_list_that_changes_its_measure_is_reported():
    html = '<ul><li style="width: 40mm">Det første punkt</li><li style="width: 30mm">Det andet punkt</li></ul>'
    found = inspect(HTML(string=PAGE + html).render())
    assert [d.kind for d in found] == ["list-measure"] and "40, 30" in found[0].text or "30, 40" in found[0].text
    assert kinds('<ul><li>Det første punkt</li><li>Det andet punkt</li></ul>') == []


def test_a_break_against_the_danish_policy_is_reported():
    """WeasyPrint's own hyphenation (what the booklet no longer uses) breaks a short word and a
    name; the policy's soft hyphens do not, and the listed word breaks at its joint only."""
    auto = ('<p lang="da" style="width: {w}; hyphens: auto; hyphenate-limit-chars: 4 2 2">{text}</p>')
    found = inspect(HTML(string=PAGE + auto.format(w="9mm", text="noget noget noget")).render())
    assert "bad-break" in {d.kind for d in found}
    listed = Hyphenator(Exceptions.parse(["kerne-opgave"], ["Væksthus"]))
    found = inspect(HTML(string=PAGE + auto.format(w="14mm", text="kerneopgaven")).render(), hyphenator=listed)
    assert [d.kind for d in found if d.kind == "bad-break"] == ["bad-break"], found
    manual = f'<p lang="da" style="width: 14mm; hyphens: manual">{typeset("kerneopgaven kerneopgaven", (), listed)}</p>'
    found = inspect(HTML(string=PAGE + manual).render(), hyphenator=listed)
    assert [d for d in found if d.kind == "bad-break"] == []


@pytest.mark.parametrize("edition", ["eksempel-kommune", "region-eksempel"])
def test_the_editions_have_no_defects(edition: str):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--typography", "--edition", edition])
    assert result.exit_code == 0, result.output


def test_the_handouts_have_no_defects():
    job = prepare(ROOT)
    for wish in job.content.wishes:
        job.plan = plan_handout(wish)
        _, document, bad = layout(job)
        assert bad == [] and inspect(document, skip_pages(job.plan, None), job.content.hyphenator) == [], wish.slug


def test_pdftotext_finds_no_hyphenated_tail(print_pdf: Path, screen_pdf: Path, tmp_path: Path):
    """A reader that is not ours: poppler's lines. It does see a tail where there is one."""
    made = tmp_path / "tail.pdf"
    HTML(string=PAGE + '<p lang="da" style="width: 28mm; hyphens: auto; hyphenate-limit-chars: 4 2 2">'
         "Vi samarbejder med organisationen</p>").write_pdf(made)
    assert len(hyphenated_tails(made)) == 1
    assert hyphenated_tails(print_pdf) == []
    assert hyphenated_tails(screen_pdf) == []
