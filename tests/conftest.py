"""Shared fixtures: the real project, copies of it to break, and real PDFs built once."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import weasyprint.pdf.fonts
from fontTools.misc import timeTools
from weasyprint.text import ffi

from booklet.build import build
from booklet.render import INSTALL_HARFBUZZ_SUBSET

ROOT = Path(__file__).resolve().parents[1]

# BOOKLET_FORCE_FONTTOOLS=1 runs the whole suite as on a machine without HarfBuzz-Subset,
# where WeasyPrint subsets fonts with fontTools (it picks fontTools when this is None).
if os.environ.get("BOOKLET_FORCE_FONTTOOLS") == "1":
    weasyprint.pdf.fonts.harfbuzz_subset = None
SESSION_SUBSETTER = "harfbuzz" if weasyprint.pdf.fonts.harfbuzz_subset else "fonttools"
NO_HARFBUZZ = ("BOOKLET_FORCE_FONTTOOLS=1: the suite runs as without HarfBuzz-Subset" if ffi.harfbuzz_subset
               else f"HarfBuzz-Subset is missing (install it: {INSTALL_HARFBUZZ_SUBSET})")


def pytest_report_header() -> str:
    return f"font subsetting: {SESSION_SUBSETTER}" + (f"; {NO_HARFBUZZ}" if SESSION_SUBSETTER == "fonttools" else "")


@dataclass
class Subsetter:
    """The font path a test runs on, and the faces WeasyPrint subset with fontTools."""

    name: str
    fonttools_faces: list[str] = field(default_factory=list)

    def was_used(self) -> bool:
        """The test really ran on this path (fontTools subset faces, or none did)."""
        return bool(self.fonttools_faces) == (self.name == "fonttools")


@pytest.fixture(params=["harfbuzz", "fonttools"])
def subsetter(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Subsetter:
    """Runs a test on each of WeasyPrint's font subsetters, HarfBuzz-Subset and fontTools
    (its fallback), whichever this machine has; the clock fontTools stamps fonts with moves on
    a day at every reading, as between builds made on different days."""
    if request.param == "harfbuzz" and SESSION_SUBSETTER == "fonttools":
        pytest.skip(NO_HARFBUZZ)
    if request.param == "fonttools":
        monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    found = Subsetter(request.param)
    original = weasyprint.pdf.fonts.Font._fonttools_subset

    def spy(font, *args):  # in place of WeasyPrint's Font._fonttools_subset
        found.fonttools_faces.append(font.family)
        return original(font, *args)

    monkeypatch.setattr(weasyprint.pdf.fonts.Font, "_fonttools_subset", spy)
    readings = itertools.count(1)
    clock = types.SimpleNamespace(**vars(time))
    clock.time = lambda: time.time() + 86400 * next(readings)
    monkeypatch.setattr(timeTools, "time", clock)
    return found


def copy_project(target: Path) -> Path:
    """A private copy of the project (content, layouts, fonts) that a test may break."""
    for name in ("source", "layouts", "fonts"):
        shutil.copytree(ROOT / name, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def print_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print") / "booklet.pdf"
    build(ROOT, "print", out, html_output=out.with_suffix(".html"))
    return out


@pytest.fixture(scope="session")
def bare_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The print booklet with --marks none: bare boxes for a shop that marks its own sheets."""
    out = tmp_path_factory.mktemp("bare") / "booklet-bare.pdf"
    build(ROOT, "print", out, marks="none")
    return out


@pytest.fixture(scope="session")
def screen_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screen") / "booklet-screen.pdf"
    build(ROOT, "screen", out)
    return out


def page_texts(pdf_path: Path) -> list[str]:
    """Text of each page, with automatic hyphens joined back (WeasyPrint draws U+2010;
    PDFium reports some as U+0002)."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        texts = [page.get_textpage().get_text_bounded() for page in pdf]
    finally:
        pdf.close()
    return [re.sub(r"(\u2010\s*\r?\n|\x02\s*)", "", text) for text in texts]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.fixture
def web_project(project: Path, web_site: Path) -> Path:
    """A copy of the project with the fonts already converted for the web (a cache by content
    hash, exact to share, filled by building the web site first), so that a test's web or
    EPUB build does not convert them again."""
    woff2 = ROOT / "dist/.cache/woff2"
    if woff2.is_dir():
        shutil.copytree(woff2, project / "dist/.cache/woff2")
    return project


@pytest.fixture(scope="session")
def web_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from booklet.web import build_web

    return build_web(ROOT, output=tmp_path_factory.mktemp("web") / "site")


def without_nav(markup: str) -> str:
    """Markup less its <nav> elements: the contents, which repeat the headings as «N. Title»,
    and the e-book's page list, the layout's words (the headings stay in the text)."""
    return re.sub(r"<nav\b.*?</nav>", " ", markup, flags=re.S)


def without_navigation(text: str) -> str:
    """Text less the web page's and e-book's navigation labels (booklet.yaml), which are the
    layout's words, not the booklet's."""
    from booklet.build import check

    for label in vars(check(ROOT).booklet.labels.navigation).values():
        if isinstance(label, str):
            text = text.replace(label, " ")
    return text


@pytest.fixture(scope="session")
def web_text(web_site: Path) -> str:
    from booklet.build import visible_text

    # soft hyphens (hyphenate.py) are invisible: a reader, copying or listening, has whole words
    html = without_nav((web_site / "index.html").read_text(encoding="utf-8"))
    return without_navigation(visible_text(html)).replace("\u00ad", "")


@pytest.fixture(scope="session")
def epub_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from booklet.epub import build_epub

    return build_epub(ROOT, output=tmp_path_factory.mktemp("epub") / "booklet.epub")


def epub_documents(path: Path) -> dict[str, str]:
    """The EPUB's XHTML documents by name."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith(".xhtml")}


@pytest.fixture(scope="session")
def epub_text(epub_file: Path) -> str:
    from booklet.build import visible_text

    text = " ".join(visible_text(without_nav(doc)) for doc in epub_documents(epub_file).values())
    return without_navigation(text).replace("\u00ad", "")  # soft hyphens are invisible, as on the web page


def missing_tool(what: str, install: str) -> None:
    """Skip a test whose tool is missing, saying how to install it; in CI (where .ci/run
    installs it) that is a failure, never a silent skip."""
    import os

    message = f"needs {what}: {install}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI installs it: see .ci/run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def edition_screen_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The screen PDFs of both example editions."""
    folder = tmp_path_factory.mktemp("edition-screen")
    return {slug: build(ROOT, "screen", folder / f"{slug}-screen.pdf", edition=slug).output
            for slug in ("eksempel-kommune", "region-eksempel")}


@pytest.fixture(scope="session")
def same_named_landmarks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose two quote columns of a wish share one name (as all did
    before issue 17): the flaw every accessibility checker must catch, in a web page and an
    e-book."""
    project = copy_project(tmp_path_factory.mktemp("same-named"))
    woff2 = ROOT / "dist/.cache/woff2"
    if woff2.is_dir():
        shutil.copytree(woff2, project / "dist/.cache/woff2")
    path = project / "source/booklet.yaml"
    text = path.read_text(encoding="utf-8")
    for side in ("lederne", "chefen"):
        text = text.replace(f'"Citater fra {side}, ønske {{number}}"', '"Citater {number}"')
    path.write_text(text, encoding="utf-8")
    return project
