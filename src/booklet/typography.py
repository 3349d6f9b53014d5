"""Typographic report, read from the laid-out boxes: what a proof-reader would mark.

Widows and orphans (a paragraph leaving one line behind across a page turn), paragraphs
ending in a lone short word, more than two hyphenated lines in a row, a heading left alone
at a page foot, and how far each fixed page was tightened to fit.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # WeasyPrint loads only with a layout to read: typeset() serves every output
    from weasyprint import Document
    from weasyprint.formatting_structure import boxes

HYPHENS = ("\u2010", "-", "\u00ad")
SHORT_WORD = 7  # a last line holding one word shorter than this is a runt
MAX_HYPHENS = 2  # consecutive hyphenated lines allowed
HEADINGS = {"h1", "h2", "h3", "h4"}


@dataclass(frozen=True)
class Defect:
    page: int
    kind: str  # widow, orphan, runt, hyphens, stranded-heading
    text: str  # where: the start of the paragraph, or the word
    word: str = ""  # the word to keep whole, for a run of hyphens

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
            last_words = texts[-1].split()
            # A fragment of a hyphenated last word is governed by hyphenate-limit-chars.
            fragment = len(texts) > 1 and texts[-2].rstrip().endswith(HYPHENS)
            if len(lines) > 1 and len(last_words) == 1 and not fragment \
                    and len(re.sub(r"\W", "", last_words[0])) < SHORT_WORD:
                defects.append(Defect(number, "runt", f"{last_words[0]!r} alone ending {_excerpt(whole)}",
                                      last_words[0]))
            run = 0
            for index, text in enumerate(texts):
                run = run + 1 if text.rstrip().endswith(HYPHENS) else 0
                if run == MAX_HYPHENS + 1:
                    word = text.rstrip().split()[-1].rstrip("".join(HYPHENS)) + texts[index + 1].split()[0] \
                        if index + 1 < len(texts) else text.split()[-1]
                    defects.append(Defect(number, "hyphens", f"{run} hyphenated lines in a row in "
                                          f"{_excerpt(whole)}", re.sub(r"\W", "", word)))
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


def typeset(text: str, keep_whole: Collection[str] = ()) -> str:
    """Text with a typesetter's ties, in characters (WeasyPrint 70 mis-breaks hyphenated
    paragraphs that end in an inline box, so no <span>):

    - the last two words are bound by a no-break space, so no paragraph ends in a lone word;
    - words in ``keep_whole`` (from the repair step, after a run of hyphens) get a soft hyphen
      at their end, which makes WeasyPrint ignore automatic hyphenation inside them. Only
      text with no float beside it gets such words: beside the quote band WeasyPrint 70
      drops a line holding a soft hyphen below the float."""
    words = [w + SOFT_HYPHEN if keep_whole and re.sub(r"\W", "", w) in keep_whole else w
             for w in text.split(" ")]
    if len(words) > 1:
        words[-2:] = [f"{words[-2]}\u00a0{words[-1]}"]
    return " ".join(words)


def words_to_keep_whole(defects: list[Defect]) -> dict[int, set[str]]:
    """Page number -> the words to keep whole there, one per run of three hyphens."""
    found: dict[int, set[str]] = {}
    for d in defects:
        if d.kind == "hyphens" and d.word:
            found.setdefault(d.page, set()).add(d.word)
    return found


def report(document: Document, plan, skip: set[int]) -> tuple[list[str], list[Defect]]:
    """The per-page report: how far each fixed page was tightened, and every defect."""
    lines = []
    for page in plan.sequence:
        if page.fitted:
            level = f"tightened to level {page.tighten} of 4" if page.tighten else "at full size"
            pages = f"{page.number}" if page.span == 1 else f"{page.number}-{page.number + page.span - 1}"
            lines.append(f"page {pages}: {page.label}: {level}")
    return lines, inspect(document, skip)
