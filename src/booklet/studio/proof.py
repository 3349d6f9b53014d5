"""The studio's builds, run in a worker process (never in a request handler): a proof of a
draft edition rendered from its print PDF, the validation before a save, and the downloads.

The worker keeps the laid-out body pages (build.render_body) of the last editions it proofed,
so a changed foreword lays out only the edition's own pages; it keeps at most BODIES of them.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ..build import Body, Job, body_key, prepare, render, render_body, verified_pdf
from ..errors import BookletError
from ..files import write_atomic
from .draft import zip_folder

BODIES = 2  # laid-out bodies kept: a colour or wish change makes a new one, the last ones stay
THUMB_DPI = 28  # the strip of every page as bound
PROOF_DPI = 100  # a spread the change touched
_bodies: OrderedDict[str, Body] = OrderedDict()


def shared_body(job: Job) -> Body:
    key = body_key(job)
    if key in _bodies:
        _bodies.move_to_end(key)
    else:
        _bodies[key] = render_body(job)
        while len(_bodies) > BODIES:
            _bodies.popitem(last=False)
    return _bodies[key]


def problems_of(exc: BookletError) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.message) for p in exc.problems]


def draft_job(root: str, slug: str, folder: str, text: str, variant: str = "print",
              marks: str = "none") -> Job:
    """The draft's edition.yaml written into its folder (dist/studio/SLUG/), then validated
    exactly as `booklet check --edition` validates a saved one."""
    write_atomic(text.encode(), Path(folder) / "edition.yaml")
    return prepare(root, variant, edition=slug, marks=marks, folder=Path(folder))


def validate(root: str, slug: str, folder: str, text: str) -> list[tuple[str, int, str]]:
    """Every problem `booklet check` would report for the draft; empty when it is valid."""
    try:
        draft_job(root, slug, folder, text)
    except BookletError as exc:
        return problems_of(exc)
    return []


def proof(root: str, slug: str, folder: str, text: str, known: frozenset[str]) -> dict[str, Any]:
    """The draft's print PDF, built and verified as a download would be, as page images:
    each page by the hash of its pixels, and PNGs of the pages not in ``known``."""
    try:
        job = draft_job(root, slug, folder, text)
        html, document = render(job, shared_body(job))
        data = verified_pdf(job, html, document)
    except BookletError as exc:
        return {"problems": problems_of(exc)}
    pages, images = page_images(data, known)
    return {"problems": [], "pages": pages, "images": images, "notes": list(job.plan.notes)}


def page_images(data: bytes, known: frozenset[str]) -> tuple[list[str], dict[str, tuple[bytes, bytes]]]:
    """Each page's hash (of its pixels, cropped to the trim) and, for a page not known yet,
    its thumbnail and proof PNGs."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    hashes, images = [], {}
    try:
        for page in pdf:
            thumb = trimmed(page, THUMB_DPI)
            digest = hashlib.sha256(thumb.tobytes() + repr(thumb.size).encode()).hexdigest()[:20]
            hashes.append(digest)
            if digest not in known and digest not in images:
                images[digest] = (png(thumb), png(trimmed(page, PROOF_DPI)))
            page.close()
    finally:
        pdf.close()
    return hashes, images


def trimmed(page, dpi: float):  # noqa: ANN001, ANN201 - pypdfium2's page, a PIL image
    """The page as the reader holds it: rendered and cropped to its TrimBox."""
    left, bottom, right, top = page.get_trimbox()
    mleft, _, _, mtop = page.get_mediabox()
    scale = dpi / 72
    image = page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
    return image.crop((round((left - mleft) * scale), round((mtop - top) * scale),
                       round((right - mleft) * scale), round((mtop - bottom) * scale)))


def png(image) -> bytes:  # noqa: ANN001 - a PIL image
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # quick: a proof is seen once, not kept
    return out.getvalue()


# --- downloads, of the saved edition ------------------------------------------------------------


def download(root: str, slug: str, kind: str, marks: str = "crop", wish: str = "",
             scratch: str = "") -> tuple[str, bytes]:
    """One download: its file name and bytes. Files the library writes go to a fresh folder
    in ``scratch`` (dist/studio/), removed afterwards."""
    if kind in ("print", "screen"):
        job = prepare(root, kind, edition=slug, marks=marks if kind == "print" else None)
        html, document = render(job, shared_body(job))
        return job.default_output().name, verified_pdf(job, html, document)
    Path(scratch).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        if kind == "epub":
            from ..epub import build_epub

            path = build_epub(root, slug, folder=Path(folder))
            return path.name, path.read_bytes()
        if kind == "web":
            from ..web import build_web

            path = build_web(root, slug, folder=Path(folder))
            return f"{path.name}.zip", zip_folder(path)
        if kind in ("a5", "a4"):
            from ..handout import handout

            result = handout(root, wish, edition=slug, layout=kind, output=Path(folder) / "handout.pdf",
                             marks=marks if kind == "a5" else None)
            name = f"{wish}-{slug}{'-a4' if kind == 'a4' else ''}.pdf"
            return name, result.output.read_bytes()
    raise BookletError(f"unknown download '{kind}'")
