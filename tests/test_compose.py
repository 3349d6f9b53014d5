"""The composed markup: golden HTML for the default booklet, escaping, the page plan."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from booklet.build import check, resolve_icc
from booklet.compose import compose, plan_pages
from booklet.editions import load_edition
from booklet.errors import Problems
from booklet.load import Project

from .conftest import ROOT, missing_tool

GOLDEN = Path(__file__).parent / "golden" / "booklet-print.html"
DATE = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)


def composed(root: Path) -> str:
    project = Project.at(root)
    content = check(root)
    html = compose(project, content, plan_pages(content), "print", resolve_icc(project, None), DATE)
    return html.replace(project.layouts.as_uri(), "LAYOUTS")


def test_golden_html():
    """Set UPDATE_GOLDEN=1 to accept a deliberate change to the templates or content."""
    html = composed(ROOT)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_text_is_escaped(project: Path):
    path = project / "source/booklet.yaml"
    path.write_text(path.read_text().replace('publisher: "Væksthus for Ledelse"',
                                             'publisher: "<b>Åben & Ærlig</b> \\"Kommune\\""'))
    html = composed(project)
    assert "&lt;b&gt;Åben &amp; Ærlig&lt;/b&gt; &#34;Kommune&#34;" in html
    assert "<b>Åben" not in html


def test_plan_keeps_letters_left_and_grows_in_fours():
    content = check(ROOT)
    plan = plan_pages(content)
    assert plan.total == 20
    for page in plan.pages.values():
        if page.id.endswith("-letter"):
            assert page.side == "left"
        if page.id.endswith("-reply"):
            assert page.side == "right"
    seven = type(content)(content.booklet, content.foreword, content.introduction,
                          (*content.wishes, content.wishes[0]), content.back_matter)
    assert plan_pages(seven).total == 24


def test_the_pages_of_a_chapter_spread_share_one_size():
    """Chapter pages that face each other are searched as one, as a wish spread is: the
    foreword with the introduction, the page about the publisher with the offers. An edition's
    own foreword (set larger) and the notes pages keep their own."""
    def groups(plan):
        found = {}
        for page in plan.fitted():
            if not page.wish:
                found.setdefault(page.group, []).append(page.number)
        return sorted(found.values())

    content = check(ROOT)
    assert groups(plan_pages(content)) == [[2, 3, 4, 5], [18, 19]]
    project = Project.at(ROOT)
    problems = Problems(project.root)
    precede = load_edition(project, "eksempel-kommune", content, problems)  # two forewords
    replace = load_edition(project, "region-eksempel", content, problems)  # its own, facing p3
    problems.raise_if_any()
    assert groups(plan_pages(content, precede)) == [[2], [3], [4, 5, 6, 7], [20], [21], [22], [23]]
    assert groups(plan_pages(content, replace)) == [[2], [3, 4, 5], [12, 13], [14], [15]]


SWOP = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def test_the_print_shops_profile_is_the_one_composed(project: Path):
    """Print names it in the output-intent rule; screen converts the palette through it."""
    if not SWOP.is_file():
        missing_tool("a second CMYK profile", "apt-get install libgs-common")
    from booklet.compose import css_colours

    loaded = Project.at(project)
    content = check(project)
    html = compose(loaded, content, plan_pages(content), "print", resolve_icc(loaded, SWOP), DATE)
    assert f'@color-profile device-cmyk {{ src: url("{SWOP.as_uri()}");' in html
    assert "FOGRA39" not in html
    fogra = css_colours(loaded, "screen", resolve_icc(loaded, None), None)
    swop = css_colours(loaded, "screen", resolve_icc(loaded, SWOP), None)
    assert fogra.keys() == swop.keys() and fogra != swop


def test_a_wish_side_sets_its_closing_section_under_the_band():
    """The grid: the first two sections in the main column beside the band, the closing one
    under it, each whole, on every wish side."""
    project = Project.at(ROOT)
    content = check(ROOT)
    plan = plan_pages(content)
    html = compose(project, content, plan, "print", resolve_icc(project, None), DATE)
    for page in (p for p in plan.pages.values() if p.wish):
        side = html.split(f'id="{page.id}"', 1)[1].split('class="fixed-end"', 1)[0]
        main, under = side.split('<div class="under">', 1)
        assert main.count('<section class="labelled') == 2 and "closing" not in main, page.id
        assert under.count('<section class="labelled closing') == 1, page.id


def test_plan_puts_the_guide_before_the_wishes_and_fills_an_edition_with_notes():
    from booklet.build import prepare

    kinds = [p.kind for p in plan_pages(check(ROOT)).sequence]
    assert kinds[:5] == ["cover", "foreword", "introduction", "introduction", "introduction"]
    assert kinds[-3:] == ["about", "offers", "back_cover"] and "blank" not in kinds
    region = prepare(ROOT, edition="region-eksempel").plan
    assert [p.kind for p in region.sequence][-4:] == ["offers", "notes", "notes", "back_cover"]
    assert region.colophon == region.sequence[-2].id  # the colophon closes the last notes page
    kommune = prepare(ROOT, edition="eksempel-kommune").plan
    assert kommune.pages["kolofon"].number == 2 and kommune.pages["introduktion"].number == 5
    assert kommune.pages["wish-strategisk-retning-letter"].number == 8


def test_the_guide_counts_the_editions_wishes():
    from booklet.compose import guide_count

    content = check(ROOT)
    text = content.introduction.boxes[0].blocks[0].value
    assert guide_count(text, content, 6) == text  # the booklet's own words
    assert guide_count(text, content, 3) == text.replace("de seks tydeligste", "de tre tydeligste")
    assert "Hæftet gennemgår ét af de tydeligste ønsker, lederne" in guide_count(text, content, 1)


def test_a_colophons_isbn_is_checked(project: Path):
    import pytest

    from booklet.errors import BookletError

    path = project / "source" / "booklet.yaml"
    path.write_text(path.read_text(encoding="utf-8") + 'colophon:\n  isbn: "978-87-7000-000-1"\n'
                    '  printer: "Eksempel Tryk A/S"\n', encoding="utf-8")
    with pytest.raises(BookletError, match=r"booklet.yaml:\d+: 'isbn' is not an ISBN: its check digit"):
        check(project)
    path.write_text(path.read_text(encoding="utf-8").replace("978-87-7000-000-1", "978-87-7000-000-0"),
                    encoding="utf-8")
    assert check(project).booklet.colophon.isbn == "978-87-7000-000-0"
    assert "Tryk: Eksempel Tryk A/S" in composed(project) and "ISBN 978-87-7000-000-0" in composed(project)
