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


def test_words_kept_whole_get_no_soft_hyphen():
    h = Hyphenator()
    assert SOFT_HYPHEN in h.text("organisationen") and SOFT_HYPHEN not in h.text("organisationen", {"organisationen"})


def test_an_entry_is_checked_against_the_limits():
    assert bad_entry("kerne-opgave") is None
    assert bad_entry("k-erneopgave") and bad_entry("kerneopga-ve") and bad_entry("ab-cde") and bad_entry("kerne")
    assert Exceptions.parse(["kerne-op-gave"]).entry("kerneopgaver") == (5, 7)
