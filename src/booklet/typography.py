"""Typographic report, read from the laid-out boxes: what a proof-reader would mark.

Widows and orphans (a paragraph leaving one line behind across a page turn), paragraphs
ending in a lone short word or in the tail of a hyphenated word, more than two hyphenated
lines in a row, a heading, title or label whose last line is one word, a heading left alone
at a page foot, and the type size each fixed page was set in to fit.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:  # WeasyPrint loads only with a layout to read: typeset() serves every output
    from weasyprint import Document
    from weasyprint.formatting_structure import boxes

HYPHENS = ("\u2010", "-", "\u00ad")
SHORT_WORD = 7  # a last line holding one word shorter than this is a runt
MAX_HYPHENS = 2  # consecutive hyphenated lines allowed
HEADINGS = {"h1", "h2", "h3", "h4"}
TITLE_CLASSES = {"label", "salutation"}  # set as headings, though not <h*>


@dataclass(frozen=True)
class Defect:
    page: int
    kind: str  # widow, orphan, runt, hyphen-tail, hyphens, title-runt, stranded-heading
    text: str  # where: the start of the paragraph, or the word
    word: str = ""  # the word to keep whole, for a run of hyphens or a hyphenated tail

    def __str__(self) -> str:
        return f"page {self.page}: {self.kind}: {self.text}"


def _line_text(line: boxes.LineBox) -> str:
    from weasyprint.formatting_structure import boxes

    return "".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox))


def _paragraphs(page_box) -> list[tuple[boxes.Box, list[boxes.LineBox]]]:
    """Block containers that hold lines directly: paragraphs, list items, quote lines."""
    from weasyprint.formatting_structure import boxes

    found = []
    for box in page_box.descendants():
        if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.LineBox):
            lines = [child for child in box.children if isinstance(child, boxes.LineBox)]
            if lines:
                found.append((box, lines))
    return found


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return f"«{text[:48]}…»" if len(text) > 48 else f"«{text}»"


def inspect(document: Document, skip_pages: set[int] | None = None) -> list[Defect]:
    """Every defect on every page (1-based numbers), except pages in ``skip_pages``."""
    defects: list[Defect] = []
    fragments: dict[int, dict[int, tuple[int, str]]] = {}  # element id -> page -> (lines, text)
    for number, page in enumerate(document.pages, start=1):
        if skip_pages and number in skip_pages:
            continue
        page_box = page._page_box
        paragraphs = _paragraphs(page_box)
        for box, lines in paragraphs:
            texts = [_line_text(line) for line in lines]
            whole = " ".join(texts)
            key = id(box.element) if box.element is not None else id(box)
            lines_before, _ = fragments.setdefault(key, {}).get(number, (0, ""))
            fragments[key][number] = (lines_before + len(lines), whole)
            last_words = [w for w in texts[-1].split() if re.search(r"\w", w)]  # not a dash alone
            # the line before ends in a hyphen: the last line starts with a word's tail
            fragment = len(texts) > 1 and texts[-2].rstrip().endswith(HYPHENS)
            # after a forced break (<br>), a last line of one word is as written, not set so
            if len(lines) > 1 and len(last_words) == 1 and not _ends_in_break(lines[-2]):
                if _is_title(box):
                    defects.append(Defect(number, "title-runt",
                                          f"{last_words[0]!r} alone on the last line of {_excerpt(whole)}"))
                elif fragment:
                    word = _joined(texts[-2], texts[-1])
                    defects.append(Defect(number, "hyphen-tail", f"{last_words[0]!r}, the tail of {word!r}, "
                                          f"alone ending {_excerpt(whole)}", word))
                elif len(re.sub(r"\W", "", last_words[0])) < SHORT_WORD:
                    defects.append(Defect(number, "runt", f"{last_words[0]!r} alone ending {_excerpt(whole)}",
                                          last_words[0]))
            run = 0
            for index, text in enumerate(texts):
                run = run + 1 if text.rstrip().endswith(HYPHENS) else 0
                if run == MAX_HYPHENS + 1:
                    word = _joined(text, texts[index + 1]) if index + 1 < len(texts) \
                        else re.sub(r"\W", "", text.split()[-1])
                    defects.append(Defect(number, "hyphens", f"{run} hyphenated lines in a row in "
                                          f"{_excerpt(whole)}", word))
        defects += _stranded_headings(number, page_box)
    for parts in fragments.values():
        if len(parts) > 1:
            first_page, last_page = min(parts), max(parts)
            (first_lines, text), (last_lines, _) = parts[first_page], parts[last_page]
            if first_lines == 1:
                defects.append(Defect(first_page, "orphan", f"one line before the turn: {_excerpt(text)}"))
            if last_lines == 1:
                defects.append(Defect(last_page, "widow", f"one line after the turn: {_excerpt(text)}"))
    return sorted(defects, key=lambda d: (d.page, d.kind, d.text))


def _ends_in_break(line: boxes.LineBox) -> bool:
    return any(b.element_tag == "br" for b in line.descendants())


def _joined(line: str, next_line: str) -> str:
    """The word hyphenated at the end of ``line``, whole (letters only)."""
    return re.sub(r"\W", "", line.rstrip().split()[-1] + next_line.split()[0])


def _is_title(box: boxes.Box) -> bool:
    """Headings, titles, section labels and salutations: lines set to be read at a glance."""
    element = box.element
    if element is None:
        return False
    return box.element_tag in HEADINGS or bool(TITLE_CLASSES & set((element.get("class") or "").split()))


def _stranded_headings(number: int, page_box) -> list[Defect]:
    """A heading with nothing after it on its page: its text went on to the next page."""
    from weasyprint.formatting_structure import boxes

    last_heading, inside = None, set()
    for box in page_box.descendants():
        if not isinstance(box, boxes.BlockBox) or id(box) in inside or box.element is None:
            continue
        classes = (box.element.get("class") or "").split()
        if box.element_tag in HEADINGS or "label" in classes:
            last_heading = box
            inside = {id(b) for b in box.descendants()}
        elif box.element_tag not in ("span",) and "fixed-end" not in classes:
            last_heading = None
    if last_heading is None:
        return []
    lines = [b for b in last_heading.descendants() if isinstance(b, boxes.LineBox)]
    text = " ".join(_line_text(line) for line in lines)
    return [Defect(number, "stranded-heading", f"{_excerpt(text)} ends the page")]


SOFT_HYPHEN = "\u00ad"
NO_BREAK = "\u00a0"


def typeset(text: str, keep_whole: Collection[str] = ()) -> Markup:
    """Text with a typesetter's ties:

    - the last two words are bound by a no-break space, so no paragraph ends in a lone word;
    - words in ``keep_whole`` (from the repair step: after a run of hyphens, or a last line
      holding only a word's tail) are not hyphenated. The last word gets a soft hyphen at its
      end, which makes WeasyPrint ignore automatic hyphenation in it (WeasyPrint 70 mis-breaks
      hyphenated paragraphs that end in an inline box); any other, a span that is not
      hyphenated (a soft hyphen there would show as a hyphen if the line broke after it)."""
    words = text.split(" ")
    last = len(words) - 1
    out = [_whole(w, i == last) if keep_whole and re.sub(r"\W", "", w) in keep_whole else escape(w)
           for i, w in enumerate(words)]
    if len(out) > 1:
        out[-2:] = [out[-2] + NO_BREAK + out[-1]]
    return Markup(" ").join(out)


def _whole(word: str, last: bool) -> Markup:
    if last:
        return escape(word + SOFT_HYPHEN)
    return Markup('<span class="whole">{}</span>').format(word)


def balance(text: str) -> str:
    """A heading's ties (WeasyPrint 70 has no ``text-wrap: balance``): never a line ending
    in a one-letter word, never one starting with a dash or an ellipsis, and never a last
    line of one word. Headings are not hyphenated, so these are their only break rules."""
    words = text.split(" ")
    real = [i for i, w in enumerate(words) if re.search(r"\w", w)]  # not a dash or an ellipsis
    out = words[0]
    for index, (before, word) in enumerate(zip(words, words[1:], strict=False), start=1):
        tie = (len(real) > 1 and index == real[-1] or len(before) == 1 and before.isalpha()
               or index not in real)
        out += (NO_BREAK if tie else " ") + word
    return out


def words_to_keep_whole(defects: list[Defect]) -> dict[int, set[str]]:
    """Page number -> the words to keep whole there: one per run of three hyphens, and
    each word whose tail alone would end a paragraph."""
    found: dict[int, set[str]] = {}
    for d in defects:
        if d.kind in ("hyphens", "hyphen-tail") and d.word:
            found.setdefault(d.page, set()).add(d.word)
    return found


def report(document: Document, plan, skip: set[int]) -> tuple[list[str], list[Defect]]:
    """The per-page report: the type size each fixed page was set in, and every defect."""
    lines = []
    for page in plan.sequence:
        if page.fitted:
            pages = f"{page.number}" if page.span == 1 else f"{page.number}-{page.number + page.span - 1}"
            lines.append(f"page {pages}: {page.label}: {page.describe_size()}")
    return lines, inspect(document, skip)
