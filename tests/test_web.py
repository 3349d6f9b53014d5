"""`booklet web`: the site's files, and the page itself in headless Chromium (Playwright)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from booklet.cli import main
from booklet.errors import BookletError
from booklet.reflow import prepare
from booklet.web import build_web

from .checkers import INSTALL_BROWSER, WCAG, chromium, html_validate, ibm_failures, vnu
from .conftest import ROOT, missing_tool

BEST_PRACTICE = "best-practice"  # axe's rules beyond WCAG's letter, unique landmark names among them


@pytest.fixture(scope="session")
def sites(web_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("editions-web")
    built = {slug: build_web(ROOT, slug, folder / slug) for slug in ("eksempel-kommune", "region-eksempel")}
    return {"booklet": web_site, **built}


@pytest.fixture(scope="session")
def same_named_site(same_named_landmarks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose quote columns share names (conftest.same_named_landmarks)."""
    return build_web(same_named_landmarks, output=tmp_path_factory.mktemp("same-named-web") / "site")


class Browser:
    """Chromium with every request that is not file: blocked and recorded."""

    def __init__(self, context):
        self.context = context
        self.refused: list[str] = []
        self.loaded: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            self.loaded.append(url)
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def open(self, site: Path, width: int, anchor: str = "", scheme: str = "light"):
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(color_scheme=scheme)
        page.goto((site / "index.html").as_uri() + anchor)
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready")
        return page


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield Browser(context)


@pytest.fixture(autouse=True)
def nothing_leaves(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every browser test: no request but file: was attempted, and none left the site."""
    yield
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        assert browser.refused == [], f"requests that are not file: {browser.refused}"
        sites = [*request.getfixturevalue("sites").values()]
        if "same_named_site" in request.fixturenames:
            sites.append(request.getfixturevalue("same_named_site"))
        outside = [u for u in browser.loaded if not any(u.startswith(s.as_uri() + "/") for s in sites)]
        browser.loaded.clear()  # each test answers for what it loaded
        assert outside == [], f"files loaded from outside the site: {outside}"


# --- the files ---------------------------------------------------------------------------

def test_site_files(web_site: Path):
    names = {p.relative_to(web_site).as_posix() for p in web_site.rglob("*") if p.is_file()}
    assert "index.html" in names
    assert {n for n in names if n.startswith("css/")} == {"css/1-fonts.css", "css/2-variables.css",
                                                          "css/3-style.css", "css/4-web.css"}
    fonts = sorted(n for n in names if n.endswith(".woff2"))
    assert len(fonts) == 7 and all((web_site / f).read_bytes()[:4] == b"wOF2" for f in fonts)
    assert {"fonts/OFL-SourceSans3.txt", "fonts/OFL-SourceSerif4.txt"} <= names
    html = (web_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in html and "<script" not in html
    # every reference is relative, into the site, and the file is there; only links go out
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        if ref.startswith("https://"):
            assert re.search(rf'<a href="{re.escape(ref)}"', html)
        elif not ref.startswith("#"):
            assert (web_site / ref).is_file(), ref
    for css in web_site.glob("css/*.css"):
        for url in re.findall(r"url\(\"?([^\")]+)\"?\)", css.read_text(encoding="utf-8")):
            assert (css.parent / url).resolve().is_file(), url


def test_every_wish_has_its_anchor_and_contents_entry(web_site: Path):
    html = (web_site / "index.html").read_text(encoding="utf-8")
    content = prepare(ROOT).content
    for wish in content.wishes:
        assert f'id="{wish.slug}"' in html
        title = wish.letter.title  # begins in lower case: it continues «Vi har brug for, at …»
        assert title[0].islower()
        assert f'<a href="#{wish.slug}">{wish.number}. {title[0].upper()}{title[1:]}</a>' in html


def test_same_input_same_bytes(web_site: Path, tmp_path: Path):
    again = build_web(ROOT, output=tmp_path / "again")
    files = sorted(p.relative_to(web_site) for p in web_site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((web_site / f).read_bytes() == (again / f).read_bytes() for f in files)


def test_a_font_cache_that_cannot_be_written_only_costs_time(web_project: Path, web_site: Path, tmp_path: Path):
    shutil.rmtree(web_project / "dist", ignore_errors=True)
    (web_project / "dist").write_bytes(b"")  # no dist/.cache/woff2/ can be made
    site = build_web(web_project, output=tmp_path / "site")
    assert (site / "index.html").is_file()
    fonts = sorted(p.name for p in (web_site / "fonts").iterdir())
    assert fonts == sorted(p.name for p in (site / "fonts").iterdir())


def test_markup_in_content_stays_text(web_project: Path):
    path = web_project / "source/booklet.yaml"
    path.write_text(path.read_text().replace('publisher: "Væksthus for Ledelse"',
                                             'publisher: "<b>Åben & Ærlig</b> \\"Kommune\\""'))
    html = (build_web(web_project) / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Åben &amp; Ærlig&lt;/b&gt; &#34;Kommune&#34;" in html
    assert "<b>Åben" not in html


def test_a_logo_that_climbs_out_is_refused(web_project: Path):
    edition = web_project / "source/editions/eksempel-kommune/edition.yaml"
    (web_project / "layouts/outside.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    edition.write_text(edition.read_text().replace("logo: logo.svg", "logo: ../../../layouts/outside.svg"))
    result = CliRunner().invoke(main, ["--root", str(web_project), "web", "--edition", "eksempel-kommune"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "source/editions/eksempel-kommune/edition.yaml:4: 'logo' must be a file inside the edition's folder" \
        in result.output
    assert not (web_project / "dist/web-eksempel-kommune").exists()


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(BookletError, match="not a web site written by booklet"):
        build_web(ROOT, output=folder)
    assert (folder / "notes.txt").read_text() == "keep me"


def test_cli_web(web_project: Path):
    result = CliRunner().invoke(main, ["--root", str(web_project), "web", "--edition", "region-eksempel"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(web_project / "dist/web-region-eksempel")


# --- in the browser ----------------------------------------------------------------------

@pytest.mark.parametrize("width", [320, 390])
def test_reflows_without_horizontal_scroll(browser: Browser, sites: dict[str, Path], width: int):
    for site in sites.values():
        page = browser.open(site, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.close()


def boxes(page, selector: str) -> list[dict]:
    return [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]


@pytest.mark.parametrize("width", [390, 768, 1280, 1600])
def test_a_wish_keeps_the_chapters_column_with_its_quotes_between_the_sections(
        browser: Browser, sites: dict[str, Path], width: int):
    # the reply follows the letter, and the wish's edges are the chapters' (the foreword's)
    page = browser.open(sites["booklet"], width)
    chapter, wish = boxes(page, "#forord")[0], boxes(page, "#strategisk-retning")[0]
    assert abs(wish["x"] - chapter["x"]) < 1 and abs(wish["width"] - chapter["width"]) < 1
    letter, reply = boxes(page, "#strategisk-retning > .side")
    assert reply["y"] >= letter["y"] + letter["height"] and abs(reply["x"] - letter["x"]) < 1
    for side in ("letter", "reply"):
        sections = boxes(page, f"#strategisk-retning .{side} > .labelled")
        quotes = boxes(page, f"#strategisk-retning .{side} > .quotes")[0]
        assert sections[1]["y"] + sections[1]["height"] <= quotes["y"] < sections[2]["y"], side
    page.close()


# Characters on each line of the matched elements but their last (a paragraph's short last line).
LINE_LENGTHS = """selector => [...document.querySelectorAll(selector)].flatMap(element => {
  const lines = new Map(), range = document.createRange();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (box) { const top = Math.round(box.top); lines.set(top, (lines.get(top) || 0) + 1); }
    }
  return [...lines.values()].slice(0, -1);
})"""


@pytest.mark.parametrize("width", [1280, 1600])
def test_reading_widths_at_desktop(browser: Browser, sites: dict[str, Path], width: int):
    # the quotes read at 30-45 characters a line, the chapters and a wish's sections at a
    # reader's measure, 45-75 (means over every line but a paragraph's last)
    page = browser.open(sites["booklet"], width)
    for selector, low, high in ((".quotes .quote p", 30, 45), ("main > .part:not(.wish) p:not(blockquote p)", 45, 75),
                                (".wish .labelled li", 45, 75)):
        lines = page.evaluate(LINE_LENGTHS, selector)
        assert len(lines) > 50, selector
        mean = sum(lines) / len(lines)
        assert low <= mean <= high, (selector, round(mean, 1))
    page.close()


@pytest.mark.parametrize("width", [320, 768])
def test_a_bands_text_keeps_the_columns_left_edge(browser: Browser, sites: dict[str, Path], width: int):
    # a tinted band (a box, a side's quotes) reaches out into the margin, its text does not move in
    page = browser.open(sites["booklet"], width)
    edge = boxes(page, "#forord > p")[0]["x"]
    for selector in ("main > .box > p", "#strategisk-retning .letter .quotes .quote"):
        assert abs(boxes(page, selector)[0]["x"] - edge) < 1, selector
    page.close()


def test_a_box_has_as_much_room_below_its_text_as_above(browser: Browser, sites: dict[str, Path]):
    page = browser.open(sites["booklet"], 390)
    for i in range(page.locator("main > .box").count()):
        box = page.locator("main > .box").nth(i)
        outer = box.bounding_box()
        first, last = box.locator("> :first-child").bounding_box(), box.locator("> :last-child").bounding_box()
        above, below = first["y"] - outer["y"], outer["y"] + outer["height"] - last["y"] - last["height"]
        assert abs(above - below) < 1, (i, above, below)
    page.close()


def test_an_editions_logo_stands_above_its_title_on_a_phone(browser: Browser, sites: dict[str, Path]):
    page = browser.open(sites["eksempel-kommune"], 390)
    for part in ("#forord-udgave", "#om-udgave"):
        logo, title = boxes(page, f"{part} .page-logo")[0], boxes(page, f"{part} h2")[0]
        assert logo["y"] + logo["height"] <= title["y"], part  # not floated beside it
        assert title["width"] > 300, part  # the title has the column's width
    page.close()


def test_printing_the_page_strands_no_salutation_and_keeps_the_back_cover_whole(
        browser: Browser, sites: dict[str, Path]):
    import pypdfium2 as pdfium
    page = browser.open(sites["booklet"], 1280)
    page.emulate_media(media="print")
    pdf = pdfium.PdfDocument(page.pdf(format="A4"))
    page.close()
    pages = [[line.strip() for line in pdf[i].get_textpage().get_text_range().splitlines() if line.strip()]
             for i in range(len(pdf))]
    salutations = {"Kære chef!", "Kære ledere!"}
    assert [i + 1 for i, lines in enumerate(pages) if lines and lines[-1] in salutations] == []
    back = [i for i, lines in enumerate(pages) if any(line.startswith("Hvornår er man en god chef") for line in lines)]
    assert back and pages[back[-1]][-1] == "lederweb.dk"


def test_one_h1_and_no_skipped_heading_levels(browser: Browser, sites: dict[str, Path]):
    for site in sites.values():
        page = browser.open(site, 1280)
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        landmarks = page.evaluate("['header','nav','main','footer'].map(t => document.querySelectorAll("
                                  "'body > ' + t).length)")
        assert landmarks == [1, 1, 1, 1]
        page.close()


def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_the_text(browser: Browser,
                                                                          sites: dict[str, Path]):
    page = browser.open(sites["booklet"], 390)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 10
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # :focus-visible draws a ring
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "tekst"
    page.close()


def test_anchor_lands_on_its_wish(browser: Browser, sites: dict[str, Path]):
    page = browser.open(sites["booklet"], 390, "#sparring")
    top = page.locator("#sparring").bounding_box()["y"]
    assert 0 <= top < 100
    page.close()


def axe_violations(page) -> list[tuple[str, list]]:
    """axe-core's violations of WCAG 2.2 AA and of its best practices, on an open page."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing_tool("axe-core (axe-playwright-python)", INSTALL_BROWSER)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [*WCAG, BEST_PRACTICE]}})
    assert results.response["passes"], "axe ran no rule"
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("width,scheme", [(390, "light"), (1280, "light"), (1280, "dark")])
def test_axe_finds_no_violations_best_practice_too(browser: Browser, sites: dict[str, Path], width: int,
                                                    scheme: str):
    for name, site in sites.items():
        page = browser.open(site, width, scheme=scheme)
        violations = axe_violations(page)
        assert violations == [], f"{name} at {width} px ({scheme}): {violations}"
        page.close()


@pytest.mark.parametrize("width,scheme", [(390, "dark"), (1280, "light")])
def test_ibm_equal_access_finds_nothing(browser: Browser, sites: dict[str, Path], width: int, scheme: str):
    for name, site in sites.items():
        page = browser.open(site, width, scheme=scheme)
        assert ibm_failures(page) == [], f"{name} at {width} px ({scheme})"
        page.close()


def test_both_engines_fail_a_page_whose_landmarks_share_a_name(browser: Browser, sites: dict[str, Path],
                                                                same_named_site: Path):
    page = browser.open(same_named_site, 1280)
    assert "landmark-unique" in {rule for rule, _ in axe_violations(page)}
    assert ("aria_complementary_label_unique", "VIOLATION") in {(rule, level) for rule, level, _ in ibm_failures(page)}
    page.close()


def test_html_validate_and_the_nu_html_checker_find_nothing(sites: dict[str, Path], tmp_path: Path):
    pages = [site / "index.html" for site in sites.values()]
    assert html_validate(pages, tmp_path / "html-validate.json") == []
    stylesheets = sorted({css for site in sites.values() for css in site.glob("css/*.css")})
    assert vnu([*pages, *stylesheets]) == []


def test_html_validate_and_the_nu_html_checker_fail_a_page_made_to_break_them(same_named_site: Path,
                                                                               tmp_path: Path):
    found = html_validate([same_named_site / "index.html"], tmp_path / "html-validate.json")
    assert found and all("unique-landmark" in message for message in found), found
    broken = tmp_path / "index.html"  # two elements with one id, and an element where none may be
    html = (same_named_site / "index.html").read_text(encoding="utf-8")
    broken.write_text(html.replace('<main id="tekst"', '<p id="forord"></p><main id="tekst"')
                      .replace("</head>", "<div></div></head>"), encoding="utf-8")
    errors = vnu([broken])
    assert any("Duplicate ID “forord”" in e for e in errors) and any("Stray end tag “head”" in e for e in errors), errors


def test_editions_carry_their_name_logo_colours_and_wishes(browser: Browser, sites: dict[str, Path]):
    page = browser.open(sites["eksempel-kommune"], 1280)
    assert "Udgivet i samarbejde med Eksempel Kommune" in page.inner_text("header")
    logo = page.locator("header img.cover-logo")
    assert logo.get_attribute("alt") == "Eksempel Kommune"
    assert page.evaluate("document.querySelector('header img').naturalWidth") > 0
    # headings carry the typesetter's ties (no-break spaces: typography.balance)
    assert page.locator("#forord-udgave h2").inner_text().replace("\u00a0", " ") == \
        "Kære ledere og chefer i Eksempel Kommune"
    assert page.locator("#om-udgave").count() == 1 and page.locator("main > .wish").count() == 6
    green = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
    page.close()
    page = browser.open(sites["booklet"], 1280)
    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") != green
    page.close()
    page = browser.open(sites["region-eksempel"], 1280)
    slugs = page.evaluate("[...document.querySelectorAll('main > .wish')].map(w => w.id)")
    assert slugs == ["strategisk-retning", "sparring", "samarbejde"]
    assert page.locator("#forord").count() == 0  # its own foreword replaces the publisher's
    family = page.evaluate("getComputedStyle(document.querySelector('h2.chapter-title')).fontFamily")
    assert family.startswith('"Edition Sans"')
    assert page.evaluate("document.fonts.check('700 16px \"Edition Sans\"')")
    page.close()


def test_editions_format_web_builds_a_site_for_each(web_project: Path):
    result = CliRunner().invoke(main, ["--root", str(web_project), "editions", "--format", "web", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for slug in ("eksempel-kommune", "region-eksempel"):
        assert (web_project / f"dist/editions/web-{slug}/index.html").is_file()
        assert f"web-{slug}" in result.output


def test_the_site_never_goes_into_the_inputs(web_project: Path):
    for output in ("source/site", "layouts", "."):
        result = CliRunner().invoke(main, ["--root", str(web_project), "web", "--output", str(web_project / output)])
        assert result.exit_code == 1 and "Traceback" not in result.output, output
    assert (web_project / "source/booklet.yaml").is_file() and not (web_project / "source/site").exists()


def test_a_site_with_files_booklet_did_not_write_is_never_replaced(web_project: Path, tmp_path: Path):
    site = build_web(web_project, output=tmp_path / "site")
    build_web(web_project, output=site)  # its own site: replaced
    (site / "css" / "mine.css").write_text("keep me")
    with pytest.raises(BookletError, match=r"not a web site written by booklet \(it holds css/mine.css\)"):
        build_web(web_project, output=site)
    assert (site / "css" / "mine.css").read_text() == "keep me"


def test_a_site_below_a_regular_file_is_one_clear_line(web_project: Path, tmp_path: Path):
    (tmp_path / "file").write_text("")
    result = CliRunner().invoke(main, ["--root", str(web_project), "web", "--output", str(tmp_path / "file/site")])
    assert result.exit_code == 1 and "cannot be written" in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1
