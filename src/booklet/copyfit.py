"""Copyfit: the search for the largest type size at which a page, or the pages that share a
size (a spread), fits. It only chooses steps; build.layout lays them out and reports back."""

from __future__ import annotations

import logging
import math

from .compose import PlannedPage, size_pt

log = logging.getLogger(__name__)


MAX_REPAIRS = 4  # rounds of the typographic repair step, per spread
MM_PER_STEP = 7.5  # about how much less a full page takes at each copyfit step


class Copyfit:
    """The search for the largest size at which a page (or pages that share a size) fits:
    the first try is at its largest size; from how far that overflows it guesses a step,
    then halves the range between the largest step known to overflow and the smallest known
    to fit. A wish spread has one size only (its grid's): its search is one render, then the
    repairs. Only the step found is repaired (words kept whole), as only its words are set:
    the search is done when the step after one that overflows fits with its repairs made."""

    def __init__(self, pages: list[PlannedPage]):
        self.pages = pages
        self.ids = {p.id for p in pages}
        self.first, self.last = pages[0].first_step, pages[0].last_step
        self.tried: dict[int, float] = {}  # step -> mm over (0: fits), as the words were then
        self.worst = 0.0  # how far the last try overflowed, in mm
        self.per_step = MM_PER_STEP  # how much a step takes off, as last measured
        self.fits: int | None = None  # the smallest step known to fit
        self.fit_words: list[frozenset[str]] = []  # the words kept whole on each page then
        self.repairs = 0
        self.critical = set(self.ids)  # the pages that overflowed at the last step that did
        self.done = False
        for page in pages:
            page.step = page.first_step

    def wanted(self) -> set[str]:
        """The pages to lay out at the step set up: all where a fit would settle the search (it
        is then repaired and printed), else those that overflowed last: the others fitted at a
        larger size, and a smaller one takes no more room."""
        return set(self.ids) if self._settles() else set(self.critical)

    def update(self, over: dict[str, float], words: dict[str, set[str]]) -> str:
        """Take in a render of the pages wanted (a page left out counts as fitting, as it did
        at a larger size); set them up for the next one.
        Returns what it showed: 'repaired', 'overflow' (at the smallest size: the search has
        failed), 'fits' (done, as rendered), 'settled' (done at a step rendered before) or
        'tries' (another step)."""
        step = self.pages[0].step
        overflow = max(over.get(p.id, 0.0) for p in self.pages)
        if overflow > 0:
            if step >= self.last and self.fits == step:
                # words kept whole at the smallest size made it overflow: set it as it fitted,
                # and leave what they were to mend to the report
                self._back_to_fit()
                self.done = True
                return "settled"
            self.tried[step] = overflow
            self.critical = {id for id in self.ids if over.get(id, 0.0) > 0}
            if self.fits is None and step == self.last and not self._untried():
                return "overflow"
            log.info("%s: %.1f mm over at %.1f pt", self.label, overflow, size_pt(step))
            below = [s for s, o in self.tried.items() if o > 0 and s < step]
            if below and self.tried[max(below)] > overflow:  # how much a step takes off here
                self.per_step = (self.tried[max(below)] - overflow) / (step - max(below))
            self.worst = overflow
            if self.fits is not None and self.fits <= step:
                self.fits = None  # words kept whole since then made it overflow
            if self.fits == step + 1:  # the next smaller size fits as it was laid out: the one
                self._back_to_fit()
                self._go(step + 1)  # laid out already: its repairs come next
                return "tries"
        else:
            new = {p.id: words.get(p.id, set()) - p.keep_whole for p in self.pages}
            found = self._settles()  # the larger size overflows: this is the step
            if step >= self.last:
                self._remember_fit(step)  # to fall back on
            if found and any(new.values()) and self.repairs < MAX_REPAIRS:
                self.repairs += 1
                for page in self.pages:
                    if new[page.id]:
                        log.info("%s: keeping whole %s", page.label, ", ".join(sorted(new[page.id])))
                        page.keep_whole |= new[page.id]
                return "repaired"
            self._remember_fit(step)
            self.tried[step] = 0.0
            if found:
                self.done = True
                return "fits"
        self._go(self._next())
        return "tries"

    @property
    def label(self) -> str:
        """The spread's name (a wish), or its pages' («foreword and introduction»)."""
        return " and ".join(dict.fromkeys(p.label.split(",")[0] for p in self.pages))

    def _settles(self) -> bool:
        """Whether a fit at the step set up settles the search: the step before overflows."""
        return self.pages[0].step == self._overflows() + 1

    def _remember_fit(self, step: int) -> None:
        self.fits, self.fit_words = step, [p.keep_whole for p in self.pages]

    def _back_to_fit(self) -> None:
        """The words kept whole as they were when the smallest step known to fit was laid out."""
        for page, kept in zip(self.pages, self.fit_words, strict=True):
            page.keep_whole = kept

    def _untried(self) -> list[int]:
        return [s for s in range(self.first, self.last + 1) if s not in self.tried]

    def _overflows(self) -> int:
        """The largest step known to overflow, below the smallest known to fit."""
        return max((s for s, o in self.tried.items() if o > 0 and (self.fits is None or s < self.fits)),
                   default=self.first - 1)

    def _next(self) -> int:
        if self.fits is not None:
            return (self._overflows() + self.fits) // 2
        untried = self._untried()
        if not untried:
            return self.last  # none fits: fail at the smallest size
        # guess from how far the last try overflowed; where that was tried, the nearest step
        # not tried yet
        guess = min(self._overflows() + max(1, math.ceil(self.worst / self.per_step)), self.last)
        return guess if guess in untried else max(s for s in untried if s <= guess) \
            if any(s <= guess for s in untried) else min(untried)

    def _go(self, step: int) -> None:
        for page in self.pages:
            page.step = step
