"""The Danish hyphenation policy: limits, exceptions, names, numbers and addresses."""

from __future__ import annotations

from booklet.build import check
from booklet.hyphenate import NO_BREAK, SOFT_HYPHEN, Exceptions, Hyphenator, bad_entry

from .conftest import ROOT


def shown(text: str) -> str:
    return text.replace(SOFT_HYPHEN, "|").replace(NO_BREAK, "_")


def test_limits():
    h = Hyphenator()
    for short in ("intet", "noget", "meget", "altid", "behov", "ledes", "måske"):  # the issue's
        assert h.breaks(short) == (), short
    assert all(2 <= at <= len(w) - 3 for w in ("selvstændigt", "forventningsafstemning") for at in h.breaks(w))


def test_the_exceptions_list_gives_a_words_only_breaks_and_names_never_break():
    h = check(ROOT).hyphenator
    assert shown(h.text("kerneopgaven personaleressourcer mikroprocesser karriereudvikling portrættet")) == \
        "kerne|opgaven personale|ressourcer mikro|processer karriere|udvikling portræt|tet"
    assert shown(h.text("Væksthus Danske Regioner Forhandlingsfællesskabet")) == \
        "Væksthus Danske Regioner Forhandlingsfællesskabet"
    assert not h.allowed("kerneopgaven", 2) and h.allowed("kerneopgaven", 5)


def test_a_number_keeps_its_unit_and_an_address_stays_whole():
    h = Hyphenator()
    assert shown(h.text("100 pct. enig og 25 ledere")) == "100_pct. enig og 25_le|dere"
    assert shown(h.text("se lederweb.dk")) == "se lederweb.dk"
    assert shown(h.text("personale- og faglige")) == "per|so|nale-\u2060_og fag|lige"


def test_words_kept_whole_get_no_soft_hyphen():
    h = Hyphenator()
    assert SOFT_HYPHEN in h.text("organisationen") and SOFT_HYPHEN not in h.text("organisationen", {"organisationen"})


def test_an_entry_is_checked_against_the_limits():
    assert bad_entry("kerne-opgave") is None
    assert bad_entry("k-erneopgave") and bad_entry("kerneopga-ve") and bad_entry("ab-cde") and bad_entry("kerne")
    assert Exceptions.parse(["kerne-op-gave"]).entry("kerneopgaver") == (5, 7)


def test_the_web_page_and_the_e_book_carry_the_pdfs_breaks(web_site, epub_file):
    """The same soft hyphens in every output (so a reader without Danish hyphenation breaks the
    same words), none in a name or a link, and CSS that breaks only there."""
    import re

    from .conftest import epub_documents

    web = (web_site / "index.html").read_text(encoding="utf-8")
    epub = " ".join(epub_documents(epub_file).values())
    for markup in (web, epub):
        assert f"kerne{SOFT_HYPHEN}opgaven" in markup and f"ker{SOFT_HYPHEN}neop" not in markup
        assert f"for{SOFT_HYPHEN}vent" in markup  # Pyphen's breaks where the list says nothing
        assert not re.search(f"V[^ <]*{SOFT_HYPHEN}[^ <]*hus|Dan{SOFT_HYPHEN}ske", markup)  # names
        assert all(SOFT_HYPHEN not in href for href in re.findall(r'href="([^"]*)"', markup))
        assert f"100{NO_BREAK}pct." in markup
    css = " ".join(p.read_text() for p in web_site.rglob("*.css"))
    assert "hyphens: manual" in css and "-webkit-hyphens: manual" in css and "hyphens: auto" not in css


def test_no_break_inside_an_f_ligature_so_the_pdf_text_stays_whole(tmp_path):
    """An unused soft hyphen inside a ligature loses letters from WeasyPrint's text layer; the
    policy puts none there, and the words read back whole (poppler, not our code)."""
    import shutil
    import subprocess

    from weasyprint import HTML

    from .conftest import missing_tool

    if shutil.which("pdftotext") is None:
        missing_tool("pdftotext", "apt-get install poppler-utils")
    h = Hyphenator()
    assert all(SOFT_HYPHEN not in h.text(w) for w in ("afklare", "aftale", "afholde", "afbryde"))
    css = (ROOT / "layouts/css/1-fonts.css").read_text()
    words = "afklare aftale afholde afbryde afstemning offentlige"
    html = (f"<style>{css}</style><p style='font: italic 12pt \"Booklet Serif\"'>{h.text(words)}</p>"
            f"<p style='font: 12pt \"Booklet Sans\"'>{h.text(words)}</p>")
    HTML(string=html, base_url=(ROOT / "layouts/css").as_uri() + "/").write_pdf(tmp_path / "f.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.split() == words.split() * 2


def test_the_lists_key_is_the_same_in_every_process():
    """The fit cache's key holds the list: a set's order (string hashing) must not change it."""
    import subprocess
    import sys

    code = ("from booklet.build import check; import sys; "
            f"sys.stdout.write(check({str(ROOT)!r}).hyphenation.key())")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(keys) == 1


def test_a_double_name_is_never_broken_at_its_hyphen():
    text = Hyphenator().text("Solvejg Schultz-Jakobsen og FTF-K, men e-kursus")
    assert "Schultz-\u2060Jakobsen" in text and "e-kur" in text
    assert "FTF-\u2060K" in text
    assert "e-\u2060" not in text  # a compound with a lower-case first part may break at its hyphen
