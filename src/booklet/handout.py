"""A single wish on paper: the letter and the reply as two A5 pages, or side by side on A4.

The pages are laid out by the booklet's own templates (same fit, same type), after a lead-in
page that puts the letter on a left page; a footer names the booklet, the wish and the
publisher instead of page numbers.
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from .build import Job, Result, finish, prepare, render, result, verified_pdf
from .compose import LAYOUTS, plan_handout
from .errors import BookletError
from .files import check_targets, write_atomic
from .impose import two_up
from .schema import Wish

SAFE_MARGIN_MM = 6  # clear of any office printer's unprintable edge (handout.css keeps the bands inside)


def find_wish(job: Job, key: str) -> Wish:
    wish = job.content.wish(key)
    if wish is None:
        valid = ", ".join(f"{w.number} ({w.slug})" for w in job.content.wishes)
        raise BookletError(f"unknown wish '{key}': valid wishes are {valid}")
    return wish


def default_output(job: Job, wish: Wish, layout: str) -> Path:
    default_variant = "screen" if layout == "a4" else "print"
    parts = [f"{wish.number}-{wish.slug}", layout if layout != "a5" else "",
             job.edition.slug if job.edition else "", job.variant if job.variant != default_variant else ""]
    return job.project.dist / "handouts" / ("-".join(p for p in parts if p) + ".pdf")


def handout(root: Path | str, key: str, edition: str | None = None, layout: str = "a5",
            variant: str | None = None, output: Path | None = None, marks: str | None = None) -> Result:
    """Write one wish as a handout. A5 defaults to the print variant; an A4 sheet is for office
    printers, so it has no bleed and takes the screen variant's geometry and colours."""
    if layout not in LAYOUTS:
        raise BookletError(f"unknown layout '{layout}' (expected one of: {', '.join(LAYOUTS)})")
    if layout == "a4" and variant == "print":
        raise BookletError("an A4 sheet is for office printers (no bleed, screen colours): "
                           "use --layout a5 --variant print for a print shop")
    if layout == "a4" and marks == "crop":
        raise BookletError("an A4 sheet is for office printers: it has no crop marks "
                           "(use --layout a5 for a print shop)")
    variant = variant or ("screen" if layout == "a4" else "print")
    job = prepare(root, variant, edition=edition, marks=marks)
    wish = find_wish(job, key)
    job.plan = plan_handout(wish, layout)
    html, document = render(job)
    document = document.copy(document.pages[1:])  # drop the lead-in page
    target = output or default_output(job, wish, layout)
    if layout == "a5":
        return finish(job, html, document, target, saddle_stitched=False)
    check_targets([target], job.inputs)
    a5 = verified_pdf(job, html, document, saddle_stitched=False)
    write_atomic(side_by_side(a5, f"{wish.number}. {wish.letter.title}"), target)
    return result(job, target, 1)


def side_by_side(data: bytes, title: str) -> bytes:
    """Both A5 pages on one landscape A4 sheet at 100 %, so the type keeps the sizes it was
    fitted at (body at least 8.5 pt, quotes 8 pt); the pages were set for the sheet, their
    bands stopping SAFE_MARGIN_MM inside its edge (handout.css)."""
    reader = PdfReader(io.BytesIO(data))
    return two_up(data, reader, [(0, 1)], scale=1.0, title=title)


def handout_all(root: Path | str, edition: str | None = None, layout: str = "a5",
                variant: str | None = None, marks: str | None = None) -> list[Result]:
    job = prepare(root, "screen", edition=edition)
    wishes = job.edition.wishes if job.edition else job.content.wishes
    return [handout(root, str(w.number), edition, layout, variant, None, marks) for w in wishes]
