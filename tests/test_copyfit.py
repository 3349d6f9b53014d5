"""Copyfit, the search for the largest size that fits, driven as build.layout drives it."""

from __future__ import annotations

from booklet.compose import GRID_STEP, LAST_STEP, PlannedPage, size_pt
from booklet.copyfit import Copyfit


def test_copyfit_finds_the_largest_size_that_fits():
    """The search, on two pages that share a size and overflow less at each step, one more
    than the other: it settles at the first step where both fit, after few layouts."""
    pages = [PlannedPage(f"s-{side}", "about", number, f"page {number}", group="s")
             for side, number in (("l", 18), ("r", 19))]
    search, renders = Copyfit(pages), 0
    need = {"s-l": 3, "s-r": 6}  # each page fits from this step on
    while not search.done:
        renders += 1
        step = pages[0].step
        over = {id: (n - step) * 4.0 for id, n in need.items() if step < n}
        assert search.update(over, {}) in ("tries", "fits", "settled")
        assert renders < 8
    assert [p.step for p in pages] == [6, 6] and size_pt(6) == 8.9
    hopeless = [PlannedPage("h", "about", 18, "page 18", group="h")]
    search = Copyfit(hopeless)
    outcomes = []
    while not outcomes or outcomes[-1] == "tries":
        outcomes.append(search.update({"h": 50.0}, {}))
    assert outcomes[-1] == "overflow" and hopeless[0].step == LAST_STEP


def search_with_repairs(need: int, spoils: int | None = None) -> tuple[PlannedPage, list[tuple[int, frozenset]]]:
    """Copyfit on one page as build.layout drives it: a page fits from step ``need`` on, and
    every fitting layout has a word to keep whole (its step's own); keeping a word whole at
    step ``spoils`` makes that step overflow. Returns the page and its layouts, in order."""
    page = PlannedPage("p", "about", 18, "page 18", group="p")
    search, laid = Copyfit([page]), []
    while not search.done:
        at = (page.step, page.keep_whole)
        if at not in laid:
            laid.append(at)
        spoilt = page.step == spoils and bool(page.keep_whole)
        fits = page.step >= need and not spoilt
        over = {} if fits else {"p": 2.0 * max(need - page.step, 1)}
        assert search.update(over, {"p": {f"ord{page.step}"}} if fits else {}) != "overflow"
        assert len(laid) < 10
    return page, laid


def test_copyfit_repairs_the_step_it_settles_on_only():
    """Words are kept whole at the step found, not at the steps on the way there (each
    repair is a layout more); where they make the found step overflow, the next smaller size
    is laid out again with its own repairs."""
    page, laid = search_with_repairs(need=6)
    assert (page.step, page.keep_whole) == (6, {"ord6"})
    assert [kept for _, kept in laid if kept] == [{"ord6"}]  # one repair, at the step found
    assert laid[-1] == (6, {"ord6"})
    page, laid = search_with_repairs(need=6, spoils=6)
    assert page.step == 7 and "ord7" in page.keep_whole  # (the words of 6 are kept whole still)
    assert [(step, kept) for step, kept in laid if kept][0] == (6, {"ord6"})
    page, _ = search_with_repairs(need=2)  # fits at the largest size: repaired there
    assert (page.step, page.keep_whole) == (2, {"ord2"})


def test_a_wish_side_has_one_size_only():
    """A wish side is set in its grid's size or not at all: one render that overflows fails."""
    side = [PlannedPage("w", "letter", 6, "wish 9 (w), letter", group="w")]
    search = Copyfit(side)
    assert side[0].step == GRID_STEP and search.update({"w": 0.5}, {}) == "overflow"
    search = Copyfit(side)
    assert search.update({}, {}) == "fits" and side[0].step == GRID_STEP


def test_copyfit_lays_out_again_only_the_pages_that_overflowed():
    """On the way to its step the search lays out only the pages that overflowed last (the
    others fitted at a larger size); at the step it settles on, every page, to be repaired
    and printed."""
    pages = [PlannedPage(f"s-{n}", "about", n, f"page {n}", group="s") for n in (18, 19)]
    need = {"s-18": 3, "s-19": 9}  # each page fits from this step on, 2 mm a step over before
    search, laid = Copyfit(pages), set()
    while not search.done:
        step, ids = pages[0].step, search.wanted()
        laid |= {(id, step) for id in ids}
        assert search.update({id: (need[id] - step) * 2.0 for id in ids if step < need[id]}, {}) != "overflow"
        assert len(laid) < 16
    assert [p.step for p in pages] == [9, 9]
    short, long = ({step for id, step in laid if id == page.id} for page in pages)
    assert {8, 9} <= short and 9 in long and len(short) < len(long)
