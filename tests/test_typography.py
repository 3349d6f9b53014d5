"""The typographic report: each defect is detected on a page made to have it; the booklet has none."""

from __future__ import annotations

from click.testing import CliRunner
from weasyprint import HTML

from booklet.cli import main
from booklet.typography import inspect, typeset

from .conftest import ROOT

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


def test_the_booklet_has_no_defects():
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--typography"])
    assert result.exit_code == 0, result.output
    assert "page 6: wish 1 (strategisk-retning), letter:" in result.output
    assert result.output.rstrip().endswith("no widows, orphans, lone words, runs of hyphens or stranded headings")
