"""Typographic report, read from the laid-out boxes: what a proof-reader would mark.

Widows and orphans (a paragraph leaving one line behind across a page turn), paragraphs
ending in a lone short word or in the tail of a hyphenated word, more than two hyphenated
lines in a row, a word broken against the Danish hyphenation policy (hyphenate.py), a list
whose items do not share one measure, a wish page off the grid the others share, a heading,
title or label whose last line is one word, a heading left alone at a page foot, and the type
size each fixed page was set in to fit.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .hyphenate import NO_BREAK, SOFT_HYPHEN, Hyphenator

if TYPE_CHECKING:  # WeasyPrint loads only with a layout to read: typeset() serves every output
    from weasyprint import Document
    from weasyprint.formatting_structure import boxes

HYPHENS = ("\u2010", "-", SOFT_HYPHEN)
SHORT_WORD = 7  # a last line holding one word shorter than this is a runt
MAX_HYPHENS = 2  # consecutive hyphenated lines allowed
HEADINGS = {"h1", "h2", "h3", "h4"}
TITLE_CLASSES = {"label", "salutation"}  # set as headings, though not <h*>


@dataclass(frozen=True)
class Defect:
    page: int
    kind: str  # widow, orphan, runt, hyphen-tail, hyphens, bad-break, list-measure, off-grid, title-runt,
    # stranded-heading
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


def inspect(document: Document, skip_pages: set[int] | None = None,
            hyphenator: Hyphenator | None = None) -> list[Defect]:
    """Every defect on every page (1-based numbers), except pages in ``skip_pages``; breaks
    are held to ``hyphenator``'s policy (default: the limits alone)."""
    hyphenator = hyphenator or Hyphenator()
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
            defects += _bad_breaks(number, texts, hyphenator)
            run = 0
            for index, text in enumerate(texts):
                run = run + 1 if text.rstrip().endswith(HYPHENS) else 0
                if run == MAX_HYPHENS + 1:
                    word = _joined(text, texts[index + 1]) if index + 1 < len(texts) \
                        else re.sub(r"\W", "", text.split()[-1])
                    defects.append(Defect(number, "hyphens", f"{run} hyphenated lines in a row in "
                                          f"{_excerpt(whole)}", word))
        defects += _stranded_headings(number, page_box) + _lists_off_measure(number, page_box)
    defects += _off_grid(document, skip_pages or set())
    for parts in fragments.values():
        if len(parts) > 1:
            first_page, last_page = min(parts), max(parts)
            (first_lines, text), (last_lines, _) = parts[first_page], parts[last_page]
            if first_lines == 1:
                defects.append(Defect(first_page, "orphan", f"one line before the turn: {_excerpt(text)}"))
            if last_lines == 1:
                defects.append(Defect(last_page, "widow", f"one line after the turn: {_excerpt(text)}"))
    return sorted(defects, key=lambda d: (d.page, d.kind, d.text))


def _bad_breaks(number: int, texts: list[str], hyphenator: Hyphenator) -> list[Defect]:
    """Words broken where the Danish policy does not allow (hyphenate.py): too short, too
    few letters before or after the break, a name, or not at a break the exceptions give."""
    found = []
    for text, after in zip(texts, texts[1:], strict=False):
        line = text.rstrip()
        if not line.endswith(("\u2010", SOFT_HYPHEN)) or not after.split():
            continue  # not a hyphenation (a hyphen of the text, «med-», stays what it is)
        head = re.findall(r"[^\W\d_]+", line.split()[-1].replace(SOFT_HYPHEN, ""))
        tail = re.match(r"[^\W\d_]*", after.split()[0].replace(SOFT_HYPHEN, ""))[0]
        if not head:
            continue
        word = head[-1] + tail
        if not hyphenator.allowed(word, len(head[-1])):
            found.append(Defect(number, "bad-break", f"«{head[-1]}-/{tail}»: {word!r} may not break there",
                                word))
    return found


def _lists_off_measure(number: int, page_box) -> list[Defect]:
    """A list whose items do not all share one measure (one left edge and width)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for box in page_box.descendants():
        if isinstance(box, boxes.BlockBox) and box.element_tag == "ul":
            items = [b for b in box.children if isinstance(b, boxes.BlockBox) and b.element_tag == "li"]
            measures = {(round(b.content_box_x(), 1), round(b.width, 1)) for b in items}
            if len(measures) > 1:
                widths = sorted({round(w * 25.4 / 96, 1) for _, w in measures})
                found.append(Defect(number, "list-measure", f"a list set at {len(measures)} measures "
                                    f"({', '.join(f'{w:g}' for w in widths)} mm): "
                                    f"{_excerpt(' '.join(_line_text(li) for li in _lines(items[0])))}"))
    return found


def _lines(box) -> list[boxes.LineBox]:
    from weasyprint.formatting_structure import boxes

    return [b for b in box.descendants() if isinstance(b, boxes.LineBox)]


def grid_facts(page) -> dict[str, float] | None:
    """What makes a wish page's grid, measured on its laid-out page (mm from the trimmed
    page's outer edge and top; sizes in pt): None on a page that is not a wish side."""
    from weasyprint.formatting_structure import boxes

    mm = 25.4 / 96
    found: dict[str, boxes.Box] = {}
    side = None
    for box in page._page_box.descendants():
        if not isinstance(box, boxes.BlockBox) or box.element is None:
            continue
        classes = set((box.element.get("class") or "").split())
        side = side or ("left" if "side-left" in classes else "right" if "side-right" in classes else None)
        for name in ("quotes", "salutation", "main"):
            if name in classes:
                found.setdefault(name, box)
        if box.element_tag == "li":
            found.setdefault("li", box)
        if box.element_tag == "blockquote":
            found.setdefault("quote", next((b for b in box.descendants() if isinstance(b, boxes.BlockBox)
                                            and b.element_tag == "p"), box))
    if side is None or len(found) < 5:
        return None
    trim = page._page_box.margin_width()  # x runs from the trim's left edge (the bleed is beyond)

    def from_outer(box) -> float:
        """The box's inner edge (toward the spine), from the trim's outer edge, in mm."""
        x, width = box.border_box_x(), box.border_width()
        return round((x + width if side == "left" else trim - x) * mm, 1)

    def outer_start(box) -> float:
        """Where the box's text starts, from the trim's outer edge, in mm."""
        x = box.content_box_x()
        return round((x if side == "left" else trim - x - box.width) * mm, 1)

    band, salutation = found["quotes"], found["salutation"]
    return {
        "band width": from_outer(band),  # from the outer trim edge (it bleeds beyond)
        "band depth": round((band.border_box_y() + band.border_height()) * mm, 1),
        "salutation from outer edge": outer_start(salutation),
        "salutation from top": round(salutation.content_box_y() * mm, 1),
        "salutation size": round(salutation.style["font_size"] * 0.75, 2),
        "body size": round(found["li"].style["font_size"] * 0.75, 2),
        "quote size": round(found["quote"].style["font_size"] * 0.75, 2),
        "main column": round(found["main"].width * mm, 1),
    }


def _off_grid(document: Document, skip_pages: set[int]) -> list[Defect]:
    """Wish pages that do not share one grid: each measure against the most common value
    among the wish pages (mirrored: distances from the outer edge)."""
    from collections import Counter

    facts = {n: f for n, page in enumerate(document.pages, start=1)
             if n not in skip_pages and (f := grid_facts(page)) is not None}
    found = []
    for name in next(iter(facts.values()), {}):
        grid = Counter(f[name] for f in facts.values()).most_common(1)[0][0]
        for number, f in facts.items():
            if abs(f[name] - grid) > 0.15:
                found.append(Defect(number, "off-grid", f"{name} {f[name]:g} (the grid's: {grid:g})"))
    return found


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


def typeset(text: str, keep_whole: Collection[str] = (), hyphenator: Hyphenator | None = None) -> Markup:
    """Text with a typesetter's marks: Danish quotation marks (”…”, as the quote band's), soft
    hyphens where the Danish policy allows a break (hyphenate.py; none in the words of
    ``keep_whole``, which the repair step keeps whole: after a run of hyphens, or a last line
    holding only a word's tail), a number tied to its unit, and the last two words bound by a
    no-break space, so no paragraph ends in a lone word."""
    text = (hyphenator or Hyphenator()).text(danish_quotes(text), keep_whole)
    words = text.split(" ")
    if len(words) > 1:
        words[-2:] = [words[-2] + NO_BREAK + words[-1]]
    return Markup(" ").join(escape(w) for w in words)


def danish_quotes(text: str) -> str:
    """One Danish style of quotation marks in running text: ”…” (U+201D both sides), the mark
    the quote band sets over each quote. Typography is mended, never words."""
    return text.replace("\u201c", "\u201d").replace("\u201e", "\u201d")


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


def report(document: Document, plan, skip: set[int], hyphenator: Hyphenator | None = None
           ) -> tuple[list[str], list[Defect]]:
    """The per-page report: the type size each fixed page was set in, and every defect."""
    lines = []
    for page in plan.sequence:
        if page.fitted:
            pages = f"{page.number}" if page.span == 1 else f"{page.number}-{page.number + page.span - 1}"
            lines.append(f"page {pages}: {page.label}: {page.describe_size()}")
    return lines, inspect(document, skip, hyphenator)
