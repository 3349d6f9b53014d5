"""`booklet epub`: the container, its metadata and outline, epubcheck, reproducibility."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from booklet.cli import main
from booklet.epub import build_epub

from .checkers import ace, ace_violations
from .conftest import ROOT, epub_documents, missing_tool, page_texts

INSTALL_EPUBCHECK = "apt-get install epubcheck"


def epubcheck(path: Path) -> subprocess.CompletedProcess:
    found = shutil.which("epubcheck")
    if found is None:
        missing_tool("epubcheck", INSTALL_EPUBCHECK)
    with open(found, "rb") as handle:  # Debian's is the jar itself, run by binfmt or by java
        command = ["java", "-jar", found] if handle.read(2) == b"PK" else [found]
    return subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def edition_epubs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("edition-epubs")
    return {slug: build_epub(ROOT, slug, folder / f"{slug}.epub")
            for slug in ("eksempel-kommune", "region-eksempel")}


def package(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("EPUB/package.opf").decode("utf-8")


def test_epubcheck_finds_nothing(epub_file: Path, edition_epubs: dict[str, Path]):
    for path in (epub_file, *edition_epubs.values()):
        result = epubcheck(path)
        report = result.stdout + result.stderr
        assert result.returncode == 0, report
        assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


def test_container_is_reproducible_and_ordered(epub_file: Path, tmp_path: Path):
    again = build_epub(ROOT, output=tmp_path / "again.epub")
    assert again.read_bytes() == epub_file.read_bytes()
    with zipfile.ZipFile(epub_file) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b"" and epub_file.read_bytes()[30:38] == b"mimetype"
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2016, 1, 1, 0, 0, 0)}  # the booklet's year, as in the PDF


def test_metadata_and_accessibility(epub_file: Path, edition_epubs: dict[str, Path]):
    opf = package(epub_file)
    for needed in ('<dc:title id="title">Kære chef! Kære ledere!</dc:title>',
                   '<dc:title id="subtitle">Gensidige forventninger om god ledelse af ledere</dc:title>',
                   "<dc:language>da</dc:language>", "<dc:publisher>Væksthus for Ledelse</dc:publisher>",
                   "<dc:date>2016-01-01</dc:date>", '<meta property="dcterms:modified">2016-01-01T00:00:00Z</meta>',
                   '<meta property="schema:accessMode">textual</meta>',
                   '<meta property="schema:accessModeSufficient">textual</meta>',
                   '<meta property="schema:accessibilityFeature">tableOfContents</meta>',
                   '<meta property="schema:accessibilityHazard">none</meta>',
                   '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>'):
        assert needed in opf, needed
    assert re.search(r'<meta property="schema:accessibilitySummary">\w.{40,}</meta>', opf)
    ids = {re.search(r"urn:uuid:([0-9a-f-]{36})", package(p))[1] for p in (epub_file, *edition_epubs.values())}
    assert len(ids) == 3  # one per edition, stable (see the reproducibility test)
    fonts = re.findall(r'href="(fonts/[^"]+)" media-type="font/woff2"', opf)
    assert len(fonts) == 7
    assert 'href="fonts/OFL-SourceSans3.txt"' in opf


def test_navigation_has_the_screen_pdf_outline(epub_file: Path, screen_pdf: Path):
    nav = epub_documents(epub_file)["EPUB/nav.xhtml"].split('<nav epub:type="page-list"')[0]
    assert '<nav epub:type="toc"' in nav
    labels = [re.sub(r"\s+", " ", label) for label in re.findall(r'<a href="text/[^"]+#[^"]+">([^<]+)</a>', nav)]
    bookmarks = [item.title for item in PdfReader(screen_pdf).outline]
    assert labels == bookmarks
    # every link of the navigation lands on an anchor that exists
    documents = epub_documents(epub_file)
    for file, anchor in re.findall(r'<a href="(text/[^"#]+)#([^"]+)"', nav):
        assert f'id="{anchor}"' in documents[f"EPUB/{file}"]


def test_editions_carry_their_name_logo_and_wishes(edition_epubs: dict[str, Path]):
    kommune = epub_documents(edition_epubs["eksempel-kommune"])
    cover = kommune["EPUB/text/00-title.xhtml"]
    assert "Udgivet i samarbejde med Eksempel Kommune" in cover
    assert '<img class="cover-logo" src="../images/logo.svg" alt="Eksempel Kommune" />' in cover
    with zipfile.ZipFile(edition_epubs["eksempel-kommune"]) as archive:
        logo = archive.read("EPUB/images/logo.svg")
    assert logo == (ROOT / "source/editions/eksempel-kommune/logo.svg").read_bytes()
    assert "<dc:contributor>Eksempel Kommune</dc:contributor>" in package(edition_epubs["eksempel-kommune"])
    region = epub_documents(edition_epubs["region-eksempel"])
    wishes = [re.search(r'<section class="part wish" id="([^"]+)"', doc)[1]
              for name, doc in sorted(region.items()) if 'class="part wish"' in doc]
    assert wishes == ["strategisk-retning", "sparring", "samarbejde"]
    assert not any('id="forord"' in doc for doc in region.values())
    spine = re.findall(r'<itemref idref="([^"]+)"/>', package(edition_epubs["region-eksempel"]))
    # cover, title page, contents; own foreword, introduction, guide; 3 wishes; about, offers; back cover
    assert len(spine) == 3 + 3 + 3 + 2 + 1


def test_markup_in_content_stays_text(web_project: Path):
    path = web_project / "source/booklet.yaml"
    path.write_text(path.read_text().replace('publisher: "Væksthus for Ledelse"',
                                             'publisher: "<b>Åben & Ærlig</b> \\"Kommune\\""'))
    epub = build_epub(web_project)
    assert "&lt;b&gt;Åben &amp; Ærlig&lt;/b&gt; &#34;Kommune&#34;" in package(epub)
    assert "&lt;b&gt;Åben &amp; Ærlig&lt;/b&gt;" in epub_documents(epub)["EPUB/text/00-title.xhtml"]


def test_a_logo_that_climbs_out_is_refused(web_project: Path):
    edition = web_project / "source/editions/region-eksempel/edition.yaml"
    edition.write_text(edition.read_text().replace("logo: logo.svg", "logo: /etc/logo.svg"))
    result = CliRunner().invoke(main, ["--root", str(web_project), "epub", "--edition", "region-eksempel"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "edition.yaml:3: 'logo' must be a file inside the edition's folder, not '/etc/logo.svg'" in result.output
    assert not list(web_project.glob("dist/*.epub"))


def test_cli_epub(web_project: Path):
    result = CliRunner().invoke(main, ["--root", str(web_project), "epub"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(web_project / "dist/kaere-chef-kaere-ledere.epub")


def test_editions_format_epub_builds_one_for_each(web_project: Path):
    result = CliRunner().invoke(main, ["--root", str(web_project), "editions", "--format", "epub", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for slug in ("eksempel-kommune", "region-eksempel"):
        path = web_project / f"dist/editions/kaere-chef-kaere-ledere-{slug}.epub"
        assert zipfile.is_zipfile(path) and path.name in result.output


def test_cover_image_is_the_printed_cover_drawn_as_svg(epub_file: Path, edition_epubs: dict[str, Path]):
    import xml.etree.ElementTree as ET

    assert re.search(r'<item id="cover-image" href="images/cover.svg" media-type="image/svg\+xml" '
                     r'properties="cover-image"/>', package(epub_file))
    with zipfile.ZipFile(epub_file) as archive:
        svg = ET.fromstring(archive.read("EPUB/images/cover.svg"))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("viewBox") == "0 0 148 210"  # the A5 trim, in mm
    assert svg.find(f"{ns}title").text.startswith("Kære chef! Kære ledere! Gensidige forventninger")
    assert len(svg.findall(f"{ns}path")) >= 6  # title, subtitle and foot, as glyph outlines
    with zipfile.ZipFile(edition_epubs["eksempel-kommune"]) as archive:
        cover = archive.read("EPUB/images/cover.svg").decode()
    assert 'fill="#1d6b45"' in cover  # the logo's own drawing, nested in the cover
    assert "Udgivet i samarbejde med Eksempel Kommune" in cover  # in its title


def test_a_raster_logo_is_copied_and_drawn_into_the_cover(web_project: Path):
    from PIL import Image

    folder = web_project / "source/editions/eksempel-kommune"
    Image.new("RGB", (400, 160), (20, 90, 60)).save(folder / "logo.png")
    edition = folder / "edition.yaml"
    edition.write_text(edition.read_text().replace("logo: logo.svg", "logo: logo.png"))
    epub = build_epub(web_project, "eksempel-kommune")
    with zipfile.ZipFile(epub) as archive:
        assert archive.read("EPUB/images/logo.png") == (folder / "logo.png").read_bytes()
        assert 'href="data:image/png;base64,' in archive.read("EPUB/images/cover.svg").decode()
    assert 'href="images/logo.png" media-type="image/png"' in package(epub)
    result = epubcheck(epub)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr


def test_the_epub_never_overwrites_an_input(web_project: Path):
    target = web_project / "source/booklet.yaml"
    before = target.read_bytes()
    result = CliRunner().invoke(main, ["--root", str(web_project), "epub", "--output", str(target)])
    assert result.exit_code == 1 and "is one of the build's own inputs" in result.output
    assert target.read_bytes() == before


def spine_documents(path: Path) -> list[str]:
    """The package's XHTML documents in reading order."""
    opf = package(path)
    hrefs = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', opf))
    return [f"EPUB/{hrefs[idref]}" for idref in re.findall(r'<itemref idref="([^"]+)"/>', opf)]


def test_the_designed_cover_comes_first_with_its_words_as_text(epub_file: Path, edition_epubs: dict[str, Path]):
    for path in (epub_file, *edition_epubs.values()):
        documents = epub_documents(path)
        first = documents[spine_documents(path)[0]]
        image = re.search(r'<img class="cover-image" role="doc-cover" src="../images/cover.svg" alt="([^"]+)" />', first)
        assert image and 'epub:type="cover"' in first, first
        with zipfile.ZipFile(path) as archive:
            title = re.search(r"<title[^>]*>([^<]+)</title>", archive.read("EPUB/images/cover.svg").decode())[1]
        assert image[1] == title  # the image's text alternative says what the cover says
        assert image[1].startswith("Kære chef! Kære ledere! Gensidige forventninger om god ledelse af ledere")
    kommune = documents = epub_documents(edition_epubs["eksempel-kommune"])
    assert "Udgivet i samarbejde med Eksempel Kommune" in kommune[spine_documents(edition_epubs["eksempel-kommune"])[0]]


def page_markers(path: Path) -> list[tuple[int, str, str]]:
    """Each page marker in reading order: its number, its document, and the first two words
    that follow it there (of the cover image's text alternative, on the cover)."""
    documents = epub_documents(path)
    found = []
    for name in spine_documents(path):
        parts = re.split(r'<span class="pagebreak" epub:type="pagebreak" role="doc-pagebreak" id="page-(\d+)" '
                         r'aria-label="\1"></span>', documents[name])
        for number, after in zip(parts[1::2], parts[2::2], strict=True):
            text = re.sub(r"<[^>]+>", " ", after)
            alt = re.search(r'alt="([^"]+)"', after[:300])
            found.append((int(number), name, " ".join(re.findall(r"\w+", alt[1] if alt else text)[:2])))
    return found


def test_a_page_list_of_the_print_editions_pages(epub_file: Path, screen_pdf: Path):
    markers = page_markers(epub_file)
    numbers = [number for number, _, _ in markers]
    # every page of the print edition that begins where a part or a wish's reply begins, in
    # order (the introduction's second and third pages, 4 and 5, begin where only the print
    # layout knows)
    assert numbers == [1, 2, 3, *range(6, 21)]
    pages = [" ".join(re.findall(r"\w+", text)) for text in page_texts(screen_pdf)]
    for number, name, words in markers:
        assert words and words in pages[number - 1], (number, name, words)  # the print page begins so
    nav = epub_documents(epub_file)["EPUB/nav.xhtml"]
    listed = re.findall(r'<li><a href="(text/[^"#]+)#page-(\d+)">(\d+)</a></li>', nav)
    assert [(f"EPUB/{file}", int(number)) for file, number, label in listed if number == label] == \
        [(name, number) for number, name, _ in markers]
    assert re.search(r'<nav epub:type="page-list" role="doc-pagelist" [^>]*aria-labelledby="page-list-title" '
                     r'hidden="hidden">\s*<h2 id="page-list-title">Sider</h2>', nav)
    opf = package(epub_file)
    assert '<dc:source id="print-edition">Kære chef! Kære ledere! Gensidige forventninger om god ledelse af ' \
        'ledere · Væksthus for Ledelse 2016</dc:source>' in opf
    assert '<meta refines="#print-edition" property="source-of">pagination</meta>' in opf
    assert '<meta property="schema:accessibilityFeature">pageBreakMarkers</meta>' in opf


def test_an_editions_blank_pages_are_marked_before_its_back_cover(edition_epubs: dict[str, Path]):
    from booklet.reflow import prepare

    for slug, path in edition_epubs.items():
        plan = prepare(ROOT, slug).plan
        blanks = []  # the run of pages the e-book has no part for, right before the back cover
        for page in plan.sequence[:-1]:
            blanks = [*blanks, page.number] if page.kind in ("blank", "notes", "colophon") else []
        markers = page_markers(path)
        back = [number for number, name, _ in markers if name.endswith("back-cover.xhtml")]
        assert back == [*blanks, plan.total], slug
    assert any(page.kind == "notes" for slug in edition_epubs for page in prepare(ROOT, slug).plan.sequence)


def test_contents_entries_are_numbered_and_capitalised(epub_file: Path):
    nav = epub_documents(epub_file)["EPUB/nav.xhtml"]
    wishes = re.findall(r'<a href="text/[^"]+">(\d\. [^<]+)</a>', nav)
    assert len(wishes) == 6
    assert wishes[0] == "1. Du sætter en tydelig strategisk retning for vores ledelse"
    assert all(re.fullmatch(r"\d\. [A-ZÆØÅ]\S* .+", entry) for entry in wishes), wishes


# --- DAISY Ace ---------------------------------------------------------------------------

# Metadata only a third party's certification has (its credential, the report's address):
# the publisher's own claim has neither.
CERTIFIER_ONLY = {"a11y:certifierCredential", "a11y:certifierReport"}


def test_ace_finds_no_violation_and_the_metadata_complete(epub_file: Path, edition_epubs: dict[str, Path],
                                                          tmp_path: Path):
    from concurrent.futures import ThreadPoolExecutor

    books = {"booklet": epub_file, **edition_epubs}
    with ThreadPoolExecutor(2) as pool:  # two Chromiums at once: Ace spends most of its time waiting on one
        reports = dict(zip(books, pool.map(lambda name: ace(books[name], tmp_path / name), books), strict=True))
    for name, report in reports.items():
        assert ace_violations(report) == [], name
        assert report["earl:result"]["earl:outcome"] == "pass", name
        metadata = report["a11y-metadata"]
        assert metadata["empty"] == [] and set(metadata["missing"]) <= CERTIFIER_ONLY, (name, metadata)
        assert {"schema:accessMode", "schema:accessibilitySummary", "dcterms:conformsTo",
                "a11y:certifiedBy"} <= set(metadata["present"]), name
        assert report["properties"]["hasPageBreaks"], name


def test_ace_fails_an_epub_whose_landmarks_share_a_name(same_named_landmarks: Path, tmp_path: Path):
    report = ace(build_epub(same_named_landmarks, output=tmp_path / "same-named.epub"), tmp_path / "ace")
    failed = {rule for _, rule, _ in ace_violations(report)}
    assert "landmark-unique" in failed and report["earl:result"]["earl:outcome"] == "fail"
