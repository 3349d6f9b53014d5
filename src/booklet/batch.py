"""Every edition at once: in parallel over the machine's cores, sharing laid-out wish spreads.

Each worker process lays out the wish spreads once and reuses them for every edition whose
body is the same (same colours, wishes and page numbers); only the cover, forewords and
organisation pages are rendered per edition. One failing edition does not stop the others.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .build import Body, Job, body_key, finish, prepare, render, render_body
from .errors import BookletError

_bodies: dict[str, Body] = {}  # per worker process: body key -> laid-out spreads


@dataclass(frozen=True)
class Outcome:
    """How one edition's build went."""

    slug: str
    ok: bool
    pages: int
    seconds: float
    message: str  # the output path, or what went wrong


def build_one(root: str, slug: str, variant: str, folder: str, marks: str | None = None,
              format: str = "pdf") -> Outcome:
    """Worker: build one edition, reusing this process's laid-out body where it fits."""
    start = time.perf_counter()
    try:
        if format != "pdf":
            return _build_reflowable(root, slug, Path(folder), format, start)
        job = prepare(root, variant, edition=slug, marks=marks)
        body = _shared_body(job)
        html, document = render(job, body)
        result = finish(job, html, document, job.default_output(Path(folder)))
        return Outcome(slug, True, result.pages, time.perf_counter() - start, str(result.output))
    except BookletError as exc:
        return Outcome(slug, False, 0, time.perf_counter() - start, "; ".join(map(str, exc.problems)))
    except Exception as exc:  # a broken edition must not take the others down
        return Outcome(slug, False, 0, time.perf_counter() - start, f"internal error: {exc!r}")


def _build_reflowable(root: str, slug: str, folder: Path, format: str, start: float) -> Outcome:
    """The web site or the EPUB of one edition: no page layout, nothing to share."""
    if format == "web":
        from .web import build_web

        output = build_web(root, slug, folder=folder)
    else:
        from .epub import build_epub

        output = build_epub(root, slug, folder=folder)
    return Outcome(slug, True, 0, time.perf_counter() - start, str(output))


def _shared_body(job: Job) -> Body:
    key = body_key(job)
    if key not in _bodies:
        _bodies[key] = render_body(job)
    return _bodies[key]


def build_editions(root: Path, slugs: list[str], variant: str, jobs: int, folder: Path,
                   progress: Callable[[Outcome, int, int], None], marks: str | None = None,
                   format: str = "pdf") -> list[Outcome]:
    """Build the editions (PDFs, web sites or EPUBs) in ``jobs`` worker processes; outcomes in
    the order of ``slugs``."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs, len(slugs) or 1))
    outcomes: dict[str, Outcome] = {}
    # spawn, not fork: Pango and fontconfig hold state that must not be copied mid-flight
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(build_one, str(root), slug, variant, str(folder), marks, format): slug
                   for slug in slugs}
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            outcomes[outcome.slug] = outcome
            progress(outcome, done, len(slugs))
    return [outcomes[slug] for slug in slugs]
