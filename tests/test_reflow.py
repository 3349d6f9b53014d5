"""What the web page and the e-book take from the content: order, outline, colours."""

from __future__ import annotations

from booklet.reflow import PAIRS, contrast, hold_contrast, outline, prepare, screen_schemes

from .conftest import ROOT


def test_reading_order_is_the_page_plan_without_pages():
    assert [(p.id, p.kind) for p in prepare(ROOT).parts] == [
        ("forord", "foreword"), ("introduktion", "introduction"), ("om-haeftet", "guide"),
        ("strategisk-retning", "wish"), ("ledelsesrum-og-tillid", "wish"), ("sparring", "wish"),
        ("samarbejde", "wish"), ("anerkendelse", "wish"), ("kompetencer", "wish"),
        ("om-vaeksthus", "about"), ("andre-tilbud", "offers")]
    # the introduction's three pages are one part; the guide that closes them follows it
    ids = [p.id for p in prepare(ROOT, "eksempel-kommune").parts]
    assert ids[:4] == ["forord-udgave", "forord", "introduktion", "om-haeftet"]
    assert ids[-3:] == ["om-udgave", "om-vaeksthus", "andre-tilbud"]


def test_outline_names_each_h2_by_its_label_and_its_anchor():
    markup = ('<section id="a"><h2>Forord <span>og mere</span></h2><h3 id="x">not an entry</h3></section>'
              '<section id="b"><div><h2 data-outline="1. titlen">Vi har brug for, at … titlen</h2></div></section>')
    assert [(e.href, e.label) for e in outline(markup, "text/1.xhtml")] == [
        ("text/1.xhtml#a", "Forord og mere"), ("text/1.xhtml#b", "1. titlen")]


def test_colours_move_only_as_far_as_contrast_needs():
    orange, white, ink = (236, 102, 53), (255, 255, 255), (68, 68, 67)
    held = hold_contrast({"text": ink, "background": white, "leader": orange, "chef": ink,
                          "leader-band": white, "chef-band": white, "cover": ink, "on-cover": white})
    assert held["text"] == ink and held["chef"] == ink and held["cover"] == ink  # they pass as they are
    assert held["leader"] != orange and 4.5 <= contrast(held["leader"], white) < 5.2  # darker, not black
    assert held["leader"][0] > held["leader"][1] > held["leader"][2]  # still an orange


def test_contrast_of_every_text_colour():
    """WCAG 2 contrast, computed here independently, of every text colour on every ground it
    is read on, light and dark, for the booklet and each edition."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for edition in (None, "eksempel-kommune", "region-eksempel"):
        for scheme, colours in screen_schemes(prepare(ROOT, edition)).items():
            for text, ground, _ in PAIRS:
                high, low = sorted((luminance(colours[text]), luminance(colours[ground])), reverse=True)
                ratio = (high + 0.05) / (low + 0.05)
                assert ratio >= 4.5, f"{edition} {scheme}: {text} on {ground}: {ratio:.2f}"
