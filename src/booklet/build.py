"""The whole pipeline: load -> validate -> compose -> render -> finish -> verify -> write.

Everything is gathered and checked before anything is written; a failure at any stage
leaves earlier outputs untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html as htmllib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import weasyprint
from weasyprint import Document

from .compose import (
    DEFAULT_ICC,
    MARKS,
    SLUG,
    VARIANTS,
    Fit,
    Plan,
    PlannedPage,
    build_date,
    compose,
    plan_pages,
    resolve_icc,
    size_pt,
)
from .copyfit import Copyfit
from .editions import EDITION_SANS, EditionSpec, font_files, load_edition, logo_cache
from .errors import BookletError, Problems
from .files import check_targets, write_atomic_all, write_cache
from .finish import output_intent, pdf_bytes
from .fonts import check_fonts, check_glyphs, declared_families, declared_fonts
from .load import Project
from .render import CONTENT_HEIGHT_MM, Misfit, misfits, render_html
from .typography import inspect, words_to_keep_whole
from .validate import Content, load_content
from .verify import check_pdf

log = logging.getLogger(__name__)



@dataclass
class Result:
    """What a build produced."""

    output: Path
    pages: int
    sizes: dict[str, float] = field(default_factory=dict)  # each fixed page's body size, in pt
    notes: list[str] = field(default_factory=list)


@dataclass
class Job:
    """Everything one PDF needs, gathered and validated before anything is rendered."""

    project: Project
    content: Content
    variant: str
    icc: Path
    date: datetime
    edition: EditionSpec | None = None
    marks: str = "none"  # print: "crop" draws crop marks in a slug (compose.MARKS)
    plan: Plan = field(init=False)
    body_key: str | None = field(default=None, init=False)  # see body_key()

    def __post_init__(self) -> None:
        self.plan = plan_pages(self.content, self.edition)

    @property
    def name(self) -> str:
        return self.edition.slug if self.edition else "booklet"

    @property
    def roots(self) -> list[Path]:
        """The only folders the renderer may read."""
        own = [self.edition.folder, logo_cache(self.project)] if self.edition else []
        return [self.project.layouts, self.project.fonts, self.icc.parent, *own]

    @property
    def inputs(self) -> list[Path]:
        """What an output must never overwrite."""
        return self.project.inputs(self.icc)

    @property
    def font_files(self) -> list[Path]:
        """Font files beyond fonts/ that this job's text is set in (an edition's family)."""
        return font_files(self.edition)

    def families(self) -> set[str]:
        """The only font families the PDF may hold."""
        own = {EDITION_SANS} if self.font_files else set()
        return declared_families(self.project.fonts_css) | own

    def compose(self, include: set[str] | None = None) -> str:
        return compose(self.project, self.content, self.plan, self.variant, self.icc, self.date,
                       self.edition, include)

    def default_output(self, folder: Path | None = None) -> Path:
        edition = self.edition.slug if self.edition else ""
        parts = [SLUG, edition, "" if self.variant == "print" else self.variant]
        return (folder or self.project.dist) / ("-".join(p for p in parts if p) + ".pdf")


def check(root: Path | str) -> Content:
    """Validate everything under source/; raise with every problem at once."""
    project = Project.at(root)
    problems = Problems(project.root)
    content = load_content(project, problems)
    problems.raise_if_any()
    assert content is not None
    return content


def prepare(root: Path | str, variant: str = "print", icc: Path | None = None,
            edition: str | None = None, marks: str | None = None, folder: Path | None = None) -> Job:
    """Validate content, edition and profile into a job; nothing is rendered or written.
    ``marks`` defaults to crop marks for print and none for screen; ``folder`` is where the
    edition lies if not in source/editions/ (the studio's draft)."""
    if variant not in VARIANTS:
        raise BookletError(f"unknown variant '{variant}' (expected one of: {', '.join(VARIANTS)})")
    marks = resolve_marks(variant, marks)
    project = Project.at(root)
    content = check(project.root)
    problems = Problems(project.root)
    spec = None
    if edition is not None:
        spec = load_edition(project, edition, content, problems, folder)
        problems.raise_if_any()
    job = Job(project, content, variant, resolve_icc(project, icc), build_date(content), spec, marks)
    check_glyphs(project.fonts_css, [*content.texts, *(spec.texts if spec else ())],
                 problems, job.font_files)
    problems.raise_if_any()
    return job


def resolve_marks(variant: str, marks: str | None) -> str:
    """Crop marks by default for print, none for screen; crop marks on screen are refused."""
    marks = marks or ("crop" if variant == "print" else "none")
    if marks not in MARKS:
        raise BookletError(f"unknown marks '{marks}' (expected one of: {', '.join(MARKS)})")
    if marks != "none" and variant != "print":
        raise BookletError("crop marks are for a print shop: use --variant print, or --marks none")
    return marks


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[-1]
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def layout(job: Job, include: set[str] | None = None) -> tuple[str, Document, list[Misfit]]:
    """Compose and render until every page fits and reads well: a wish side in the one grid
    and size of 6-wish.css, every other fixed page at the largest size that fits (Copyfit),
    with the repair step keeping whole the words whose hyphenation reads badly.

    Pages are independent (each is one atomic box), so a page is laid out once at each
    copyfit it is tried at: each render holds only the pages at a copyfit not laid out yet
    (of a search's pages, those it wants: Copyfit.wanted), the others standing in as empty
    placeholders, and the cache settles unchanged pages
    before anything is rendered. The result is put together from the renders in which each
    page was laid out as it was settled, as `booklet watch` puts a rebuild together.
    Returns the last attempt and its misfits (empty when everything fits), so a caller can
    still preview what did not fit.
    """
    plan = job.plan
    wanted = set(plan.pages) if include is None else set(include)
    fitted = {p.id for p in plan.fitted() if p.id in wanted}
    cache = FitCache(job)
    settled = cache.apply(plan) & fitted
    searches = [Copyfit([p for p in plan.fitted() if p.group == group])
                for group in dict.fromkeys(plan.pages[id].group for id in sorted(fitted - settled))]
    laid: dict[Laying, Laidout] = {}
    html, document = "", None
    while pending := fitted - settled:
        left_out = {id for search in searches if not search.done for id in search.ids - search.wanted()}
        fresh = {id for id in wanted - settled - left_out if laying(plan.pages[id]) not in laid}
        if fresh:
            html, document, bad = _lay_out(job, fresh, include, laid)
            if any(m.over_mm <= 0 for m in bad):
                return html, document, [m for m in bad if m.over_mm <= 0]  # misplaced: no size helps
            if any(m.over_mm > TOO_LONG_MM for m in bad):  # too long for any type size: fail at once
                return html, document, [m for m in bad if m.over_mm > TOO_LONG_MM]
        now = {id: laid[at] for id in pending if (at := laying(plan.pages[id])) in laid}
        over = {id: at.misfit.over_mm for id, at in now.items() if at.misfit}
        outcomes = {search: search.update(over, {id: at.words for id, at in now.items()})
                    for search in searches if not search.done}
        failed = [misfit for search, outcome in outcomes.items() if outcome == "overflow"
                  for id in sorted(search.ids) if id in now and (misfit := now[id].misfit)]
        if failed:
            assert document is not None  # a search fails only on what was rendered
            return html, document, failed
        settled |= {id for search in outcomes if search.done for id in search.ids}
    fresh = {id for id in wanted if laying(plan.pages[id]) not in laid}
    if fresh or document is None:  # settled by the cache, never rendered yet (covers), or none asked for
        html, document, _ = _lay_out(job, fresh, include, laid)
    if fresh != wanted:
        placeholders = document  # of the pages not asked for, any render's will do
        html, document = job.compose(include), assemble(
            plan, lambda p: laid[laying(p)].document if p.id in wanted else placeholders, document)
    bad = misfits(document, plan, include)
    if not bad:
        cache.store(plan)
    return html, document, bad


Laying = tuple[str, int, frozenset[str]]  # a page at a copyfit: its id, step and words kept whole


def laying(page: PlannedPage) -> Laying:
    return page.id, page.step, page.keep_whole


@dataclass(frozen=True)
class Laidout:
    """A page as laid out at a copyfit: the render that holds it, and what the search needs."""

    document: Document
    misfit: Misfit | None
    words: set[str]  # words to keep whole (the repair step's)


def _lay_out(job: Job, ids: set[str], include: set[str] | None, laid: dict[Laying, Laidout]
             ) -> tuple[str, Document, list[Misfit]]:
    """Render the pages ``ids`` (as asked for, when that is all of them) into ``laid``."""
    subset = include if ids == (set(job.plan.pages) if include is None else include) else ids
    html, document, bad = _render(job, subset)
    words = repairs(job.plan, document, subset)
    for id in ids:
        laid[laying(job.plan.pages[id])] = Laidout(document, next((m for m in bad if m.id == id), None),
                                                   words.get(id, set()))
    return html, document, bad


def assemble(plan: Plan, source: Callable[[PlannedPage], Document], base: Document) -> Document:
    """The plan's pages in order, each taken from the render ``source`` names for it (every
    render has the plan's page numbers, placeholders standing in for what it left out), as
    one document with ``base``'s metadata."""
    pages = []
    for page in plan.sequence:
        pages += source(page).pages[page.number - 1:page.number - 1 + page.span]
    return base.copy(pages)


def _render(job: Job, include: set[str] | None) -> tuple[str, Document, list[Misfit]]:
    """One composition and layout of the pages in ``include`` (all when None)."""
    html = job.compose(include)
    problems = Problems(job.project.root)
    check_fonts(job.project.fonts_css, visible_text(html), problems, job.font_files)
    problems.raise_if_any()
    document = render_html(html, job.project.layouts.as_uri() + "/", job.roots, job.variant)
    return html, document, misfits(document, job.plan, include)


TOO_LONG_MM = 2 * CONTENT_HEIGHT_MM  # copyfit wins back half a page at most (9.5 to 8.5 pt)


def repairs(plan: Plan, document: Document, include: set[str] | None) -> dict[str, set[str]]:
    """Page id -> the words to keep whole there: each that ends a third hyphenated line in a
    row, and each whose tail alone would be a paragraph's last line."""
    found: dict[str, set[str]] = {}
    for number, words in words_to_keep_whole(inspect(document, skip_pages(plan, include))).items():
        page = plan.at(number)
        if page is not None:
            found.setdefault(page.id, set()).update(words)
    return found


def skip_pages(plan: Plan, include: set[str] | None) -> set[int]:
    """Pages whose typography is not this render's: placeholders, covers, the lead-in."""
    return {n for p in plan.pages.values() if (include is not None and p.id not in include) or not p.fitted
            for n in range(p.number, p.number + p.span)}


class FitCache:
    """Remembers, per page, the copyfit (step, kept-whole words) that made it fit and
    read well. A page's fit depends only on its own content, its side and the stylesheets,
    so a cached entry is exactly what a cold search would find again, and an edit makes
    only the touched spread search anew (which is what keeps `booklet watch` quick)."""

    LIMIT = 2000  # entries kept in the file

    def __init__(self, job: Job):
        digest = hashlib.sha256(f"{job.variant} {weasyprint.__version__}".encode())
        inputs = [*job.project.layouts.rglob("*.css"), *job.project.layouts.rglob("*.html"),
                  *declared_fonts(job.project.fonts_css), job.icc, *job.font_files]
        for path in sorted(inputs):
            if path.is_file():  # a missing font is the font check's to report
                digest.update(path.name.encode() + path.read_bytes())
        self.base = digest.hexdigest()
        self.job = job
        self.path = job.project.dist / ".cache" / "fit.json"

    def key(self, page: PlannedPage) -> str:
        """What the page's fit depends on: its kind, side, content, and for editions the
        edition's own text (a spread's two sides share a level, so a side's key covers both)."""
        content, edition = self.job.content, self.job.edition
        own = edition.data if edition else None
        wishes = len(edition.wishes if edition else content.wishes)  # the guide counts them
        colophon = (content.booklet.colophon, own and (own.colophon, own.name, own.cover_line))
        parts = {
            "letter": page.data, "reply": page.data, "colophon": colophon,
            "foreword": content.foreword, "introduction": (content.introduction, page.data, wishes),
            "edition_foreword": own and own.foreword, "organisation": own and own.about,
            "about": content.back_matter.about, "offers": content.back_matter.offers,
        }
        logo = own.logo.path.read_bytes() if own and own.logo and page.kind in ("edition_foreword",
                                                                                "organisation") else b""
        carries = colophon if page.id == self.job.plan.colophon else None  # the colophon at its foot
        what = (f"{page.kind} {page.side} {page.span} {content.booklet.labels!r} {parts.get(page.kind)!r} "
                f"{carries!r} {self.job.plan.sheet}")
        text = f"{self.base} {what} {content.hyphenation.key()}"
        return hashlib.sha256(text.encode() + logo).hexdigest()

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def apply(self, plan: Plan) -> set[str]:
        """Set the cached levels and words on the pages it knows; returns their ids."""
        entries = self._read()
        known = set()
        found = {p.id: entries.get(self.key(p)) for p in plan.fitted()}
        for page in plan.fitted():
            # both sides of a spread must be known, or neither is used
            sides = [found.get(q.id) for q in plan.fitted() if q.group == page.group]
            if all(isinstance(e, dict) for e in sides):
                entry = found[page.id]
                page.step = min(max(int(entry.get("step", page.first_step)), page.first_step), page.last_step)
                page.keep_whole = frozenset(str(w) for w in entry.get("keep_whole", []))
                known.add(page.id)
        return known

    def store(self, plan: Plan) -> None:
        entries = self._read()
        for page in plan.fitted():
            entries.pop(self.key(page), None)
            entries[self.key(page)] = {"step": page.step, "keep_whole": sorted(page.keep_whole)}
        entries = dict(list(entries.items())[-self.LIMIT:])
        write_cache(json.dumps(entries, indent=0, sort_keys=False).encode(), self.path)


def misfit_message(m: Misfit, plan: Plan) -> str:
    if m.over_mm > TOO_LONG_MM:
        return (f"{m.label}: does not fit its page, {m.over_mm:g} mm over: more than a page too long "
                "for any type size")
    if m.over_mm > 0:
        return f"{m.label}: does not fit its page, {m.over_mm:g} mm over at the smallest type size"
    return f"{m.label}: landed on page {m.landed}, planned for page {plan.pages[m.id].number}"


@dataclass
class Body:
    """The pages every edition has in common (the wish spreads and the publisher's pages),
    laid out once and shared by every edition whose body is the same."""

    key: str
    document: Document
    fits: dict[str, Fit]


EDITION_KINDS = ("cover", "back_cover", "edition_foreword", "organisation", "blank")


def body_ids(plan: Plan) -> set[str]:
    """Pages an edition does not make its own: everything but its covers, its own pages and
    the page that carries the colophon (which names the edition)."""
    return {p.id for p in plan.pages.values() if p.kind not in EDITION_KINDS and p.id != plan.colophon}


def body_key(job: Job) -> str:
    """Two jobs share a body when its markup before copyfit (pages, numbers, colours) is the same.
    Taken once per job, before layout sets its plan's copyfit."""
    if job.body_key is None:
        markup = job.compose(body_ids(job.plan)).encode()
        job.body_key = hashlib.sha256(markup + job.icc.read_bytes()).hexdigest()
    return job.body_key


def render_body(job: Job) -> Body:
    """Lay the shared pages out on a copy of the job, leaving the caller's plan as it was."""
    own = dataclasses.replace(job)  # a fresh plan
    key = body_key(own)
    _, document, bad = layout(own, body_ids(own.plan))
    if bad:
        raise BookletError([misfit_message(m, own.plan) for m in bad])
    return Body(key, document, own.plan.fits())


def render(job: Job, body: Body | None = None) -> tuple[str, Document]:
    """Lay out the job; with a body of the same key, only the pages around it are rendered."""
    if body is None or body.key != body_key(job):
        html, document, bad = layout(job)
    else:
        ids = body_ids(job.plan)
        job.plan.set_fits({id: fit for id, fit in body.fits.items() if id in ids})
        _, own, bad = layout(job, set(job.plan.pages) - ids)
        document = assemble(job.plan, lambda p: body.document if p.id in ids else own, own)
        html = job.compose()  # the whole booklet's markup at the final copyfit: the same either way
    if bad:
        raise BookletError([misfit_message(m, job.plan) for m in bad])
    if len(document.pages) != job.plan.total:
        raise BookletError(f"the booklet has {len(document.pages)} pages; the plan has {job.plan.total}")
    return html, document


@dataclass(frozen=True)
class Laid:
    """A booklet as last laid out, kept for the next build of the same job (`booklet watch`):
    its document and the markup each page was laid out from. A page whose markup, number and
    stylesheets are unchanged is taken from here instead of being laid out again."""

    head: str  # the markup before <body>: stylesheets, colours, fonts
    markup: dict[str, str]  # page id -> its page number and markup
    document: Document


def page_markup(html: str, plan: Plan) -> tuple[str, dict[str, str]]:
    """The head of ``html`` and each planned page's markup (from its id to the next page's)."""
    head, body = html.split("<body", 1)
    starts = sorted((body.index(f'id="{page.id}"'), page) for page in plan.sequence)
    ends = [start for start, _ in starts[1:]] + [len(body)]
    return head, {page.id: f"{page.number} {body[start:end]}"
                  for (start, page), end in zip(starts, ends, strict=True)}


def render_again(job: Job, previous: Laid | None) -> tuple[str, Document, Laid]:
    """Lay out the job, taking from ``previous`` every page that would come out the same:
    an edit in one wish lays out that spread alone (the fit cache settles the others first)."""
    same: set[str] = set()
    if previous is not None:
        FitCache(job).apply(job.plan)
        head, markup = page_markup(job.compose(), job.plan)
        if head == previous.head:
            same = {id for id, m in markup.items() if previous.markup.get(id) == m}
    if not same:
        html, document = render(job)
    else:
        _, own, bad = layout(job, set(job.plan.pages) - same)
        if bad:
            raise BookletError([misfit_message(m, job.plan) for m in bad])
        document = assemble(job.plan, lambda p: previous.document if p.id in same else own, own)
        html = job.compose()
    head, markup = page_markup(html, job.plan)
    return html, document, Laid(head, markup, document)


def verified_pdf(job: Job, html: str, document: Document, saddle_stitched: bool = True) -> bytes:
    """The PDF's bytes, once they have passed verification (nothing is written)."""
    intent = output_intent(job.icc, job.icc == (job.project.root / DEFAULT_ICC).resolve())
    data = pdf_bytes(document, job.variant, intent, document_seed(job, html), job.project.dist / ".cache",
                     job.marks)
    findings = check_pdf(data, job.variant, job.families(), saddle_stitched, job.marks)
    if findings:
        raise BookletError([f"verify: {f}" for f in findings])
    return data


def finish(job: Job, html: str, document: Document, output: Path | None = None,
           html_output: Path | None = None, saddle_stitched: bool = True) -> Result:
    """Write the PDF (and the HTML) after the written bytes have passed verification."""
    target = output or job.default_output()
    check_targets([target, *([html_output] if html_output else [])], job.inputs)
    data = verified_pdf(job, html, document, saddle_stitched)
    write_atomic_all([(data, target), *([(html.encode(), html_output)] if html_output else [])])
    log.info("wrote %s (%d pages)", target, len(document.pages))
    return result(job, target, len(document.pages))


def result(job: Job, target: Path, pages: int) -> Result:
    sizes = {p.label: size_pt(p.step) for p in job.plan.pages.values() if p.fitted}
    return Result(target, pages, sizes, job.plan.notes)


def document_seed(job: Job, html: str) -> bytes:
    """What the document's IDs derive from: the markup with the project's own folder left out
    (it names files by absolute file:// URL), and the profile. The same source built in two
    folders gives the same bytes."""
    markup = html.replace(job.project.root.as_uri(), "project:").encode()
    return hashlib.sha256(markup + job.icc.read_bytes()).digest()


def build(
    root: Path | str,
    variant: str = "print",
    output: Path | None = None,
    html_output: Path | None = None,
    icc: Path | None = None,
    edition: str | None = None,
    marks: str | None = None,
) -> Result:
    """Build one PDF: the booklet, or an organisation's edition of it."""
    job = prepare(root, variant, icc, edition, marks)
    check_targets([path for path in (output, html_output) if path], job.inputs)  # before the long part
    html, document = render(job)
    return finish(job, html, document, output, html_output)


def build_again(root: Path | str, variant: str, edition: str | None, previous: Laid | None
                ) -> tuple[Result, Laid]:
    """Build the PDF as `build` does, reusing the pages of ``previous`` that are unchanged
    (see render_again); returns what to reuse next time too."""
    job = prepare(root, variant, edition=edition)
    html, document, laid = render_again(job, previous)
    return finish(job, html, document), laid
