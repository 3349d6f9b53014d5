"""Render stage: HTML -> laid-out WeasyPrint Document, with the page plan checked.

The renderer may read only files below the folders it is given; anything else (other
paths, the network) is refused, and every warning WeasyPrint logs fails the build.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML, Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .compose import Plan, PlannedPage
from .errors import BookletError

log = logging.getLogger(__name__)
PX_PER_MM = 96 / 25.4
# As in layouts/css/3-pages.css: content runs from 14 mm to 193 mm down the page.
MARGIN_TOP_MM = 14
CONTENT_BOTTOM_MM = 193
CONTENT_HEIGHT_MM = CONTENT_BOTTOM_MM - MARGIN_TOP_MM


class ConfinedFetcher(URLFetcher):
    """Fetches ``file:`` URLs below the allowed folders and nothing else."""

    def __init__(self, roots: Sequence[Path]):
        super().__init__(allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers=None):  # noqa: ANN001 - WeasyPrint's signature
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"refused to load {url}: only the project's own files may be loaded")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"refused to load {path}: outside the project's folders")
        return super().fetch(url, headers)


INSTALL_HARFBUZZ_SUBSET = "sudo apt-get install libharfbuzz-subset0"


class _SubsetterNotice(logging.Filter):
    """Without HarfBuzz-Subset, WeasyPrint warns once per face and PDF that it subsets with
    fontTools instead: a notice about the machine, not the document (the subset is correct,
    only slower to make), so it must neither fail the build nor print six times. Say it once
    per process, with the command that installs the library."""

    def __init__(self) -> None:
        super().__init__()
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "instead of HarfBuzz-Subset" not in record.getMessage():
            return True
        if not self.said:
            self.said = True
            log.warning("HarfBuzz-Subset is missing, so fonts are subset with fontTools, which is slower; "
                        "to install it: %s", INSTALL_HARFBUZZ_SUBSET)
        return False


# On the logger itself, so its handlers (ours below, the command line's) never see the record.
logging.getLogger("weasyprint").addFilter(_SubsetterNotice())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_warnings_fail() -> Iterator[None]:
    """A missing font, image or stylesheet is an error, not a silent fallback."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise BookletError(["WeasyPrint: " + m for m in dict.fromkeys(handler.messages)])


@dataclass(frozen=True)
class Misfit:
    """A fixed page whose content did not stay on its one planned page."""

    id: str
    label: str
    over_mm: float  # how much content ran past the page, 0 when only misplaced
    landed: int  # the page number it started on


# PDF/X-4 for the print shop; tagged PDF/UA-1 for reading on screen.
PDF_OPTIONS = {
    "print": {"pdf_variant": "pdf/x-4"},
    "screen": {"pdf_variant": "pdf/ua-1", "pdf_tags": True},
}


def render_html(html: str, base_url: str, roots: Sequence[Path], variant: str) -> Document:
    with weasyprint_warnings_fail():
        return HTML(string=html, base_url=base_url, url_fetcher=ConfinedFetcher(roots)).render(
            font_config=FontConfiguration(), **PDF_OPTIONS[variant])


def anchor_pages(document: Document) -> dict[str, tuple[int, float]]:
    """Anchor id -> (1-based page number, y in px from the page top)."""
    found = {}
    for number, page in enumerate(document.pages, start=1):
        for name, (_x, y, *_rest) in page.anchors.items():
            found.setdefault(name, (number, y))
    return found


def misfits(document: Document, plan: Plan, include: set[str] | None = None) -> list[Misfit]:
    """Every planned page (of those rendered) that overflowed or did not land where planned."""
    anchors = anchor_pages(document)
    problems = []
    for page in plan.pages.values():
        start = anchors[page.id][0]
        if not page.fitted or (include is not None and page.id not in include):
            if start != page.number:  # covers, blanks and placeholders only need their place
                problems.append(Misfit(page.id, page.label, 0.0, start))
            continue
        if page.kind in ("letter", "reply"):  # a wish side keeps to its grid
            over = grid_overflow(document, page)
            if over > 0.05:
                problems.append(Misfit(page.id, page.label, round(over, 1), start))
            elif start != page.number or anchors[f"{page.id}--end"][0] != start:
                problems.append(Misfit(page.id, page.label, 0.0, start))
            continue
        end, end_y = anchors[f"{page.id}--end"]
        end_mm = end_y / PX_PER_MM
        last = start + page.span - 1
        if end > last:
            # Content ran onto later pages: count them, plus the depth on the last one.
            over = (end - last - 1) * CONTENT_HEIGHT_MM + max(end_mm - MARGIN_TOP_MM, 0)
        else:
            # Content that cannot break (an atomic box) is painted past the bottom margin.
            over = max(end_mm - CONTENT_BOTTOM_MM, 0)
        if over > 0.05:
            problems.append(Misfit(page.id, page.label, round(over, 1), start))
        elif start != page.number:
            problems.append(Misfit(page.id, page.label, 0.0, start))
    return problems


def _bottom(box: boxes.Box) -> float:
    return box.position_y + box.margin_height()


def grid_overflow(document: Document, page: PlannedPage) -> float:
    """How far a wish side runs past its grid (6-wish.css), in mm: the main column past the
    band's foot, the quotes past the band, the closing section past the text area's foot.
    (A wish side's box has the text area's height whatever it holds, so its end anchor
    cannot tell.)"""
    found: dict[str, boxes.Box] = {}
    quotes = []
    for box in document.pages[page.number - 1]._page_box.descendants():
        # .columns is an inline block, the rest blocks
        if isinstance(box, boxes.BlockBox | boxes.InlineBlockBox) and box.element is not None:
            classes = (box.element.get("class") or "").split()
            for name in ("quotes", "main", "closing", "columns"):
                if name in classes:
                    found.setdefault(name, box)
            if box.element_tag == "blockquote":
                quotes.append(box)
    if len(found) < 4:
        return 0.0  # not laid out as a wish side: misfits() measures its page
    band = found["quotes"]
    band_foot = band.border_box_y() + band.border_height()
    # the main column's own box ends with its grid row: its content may run past it
    main_foot = max((_bottom(child) for child in found["main"].children), default=0)
    over = max(main_foot - band_foot, max((_bottom(q) for q in quotes), default=0) - band_foot,
               _bottom(found["closing"]) - (found["columns"].content_box_y() + found["columns"].height), 0)
    return over / PX_PER_MM
