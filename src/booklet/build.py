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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import weasyprint
from weasyprint import Document

from .compose import (
    DEFAULT_ICC,
    MARKS,
    MAX_TIGHTEN,
    SLUG,
    VARIANTS,
    Plan,
    PlannedPage,
    build_date,
    compose,
    plan_pages,
    resolve_icc,
)
from .editions import EDITION_SANS, EditionSpec, font_files, load_edition, logo_cache
from .errors import BookletError, Problems
from .finish import check_targets, output_intent, pdf_bytes, write_atomic, write_atomic_all
from .fonts import check_fonts, check_glyphs, declared_families
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
    tightened: dict[str, int] = field(default_factory=dict)
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
        project = self.project
        return [project.source, project.layouts, project.fonts, self.icc]

    @property
    def font_files(self) -> list[Path]:
        """Font files beyond fonts/ that this job's text is set in (an edition's family)."""
        return font_files(self.edition)

    def families(self) -> set[str]:
        """The only font families the PDF may hold."""
        own = {EDITION_SANS} if self.font_files else set()
        return declared_families(self.project.layouts / "css" / "1-fonts.css") | own

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
            edition: str | None = None, marks: str | None = None) -> Job:
    """Validate content, edition and profile into a job; nothing is rendered or written.
    ``marks`` defaults to crop marks for print and none for screen."""
    if variant not in VARIANTS:
        raise BookletError(f"unknown variant '{variant}' (expected one of: {', '.join(VARIANTS)})")
    marks = resolve_marks(variant, marks)
    project = Project.at(root)
    content = check(project.root)
    problems = Problems(project.root)
    spec = None
    if edition is not None:
        spec = load_edition(project, edition, content, problems)
        problems.raise_if_any()
    job = Job(project, content, variant, resolve_icc(project, icc), build_date(content), spec, marks)
    check_glyphs(project.layouts / "css" / "1-fonts.css", [*content.texts, *(spec.texts if spec else ())],
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
    """Compose and render until every page fits and reads well:

    - a spread that overflows is tightened one level (both sides together);
    - the repair step keeps whole the word that ends a third hyphenated line in a row.

    Pages are independent (each is one atomic box), so the search lays out only the pages
    not yet settled, the others standing in as empty placeholders, and the cache settles
    unchanged pages before anything is rendered. Then one render lays out all that was
    asked for. Returns the last attempt and its misfits (empty when everything fits), so
    a caller can still preview what did not fit.
    """
    plan = job.plan
    wanted = set(plan.pages) if include is None else set(include)
    fitted = {p.id for p in plan.fitted() if p.id in wanted}
    cache = FitCache(job)
    settled = cache.apply(plan) & fitted
    repairs = 0
    while pending := fitted - settled:
        whole = pending == fitted  # nothing settled yet: this render may be the final one
        subset = include if whole else pending
        html, document, bad = _render(job, subset)
        overflowing = [m for m in bad if m.over_mm > 0]
        if bad and not overflowing:
            return html, document, bad  # misplaced, not overflowing: tightening cannot help
        failing = [m for m in overflowing  # a page too long for any type size fails at once
                   if plan.pages[m.id].tighten >= MAX_TIGHTEN or m.over_mm > CONTENT_HEIGHT_MM]
        if failing:
            return html, document, failing
        for m in overflowing:
            log.info("%s: %.1f mm over at level %d", m.label, m.over_mm, plan.pages[m.id].tighten)
        stepped = {p.id for p in plan.tighten([m.id for m in overflowing])}
        repaired = repair(plan, document, subset, stepped) if repairs < MAX_REPAIRS else set()
        repairs += bool(repaired)
        settled |= pending - stepped - repaired  # these fit and read well as they are
        if whole and not stepped and not repaired:
            cache.store(plan)
            return html, document, []
    html, document, bad = _render(job, include)
    if not bad:
        cache.store(plan)
    return html, document, bad


def _render(job: Job, include: set[str] | None) -> tuple[str, Document, list[Misfit]]:
    """One composition and layout of the pages in ``include`` (all when None)."""
    html = job.compose(include)
    problems = Problems(job.project.root)
    check_fonts(job.project.layouts / "css" / "1-fonts.css", visible_text(html), problems, job.font_files)
    problems.raise_if_any()
    document = render_html(html, job.project.layouts.as_uri() + "/", job.roots, job.variant)
    return html, document, misfits(document, job.plan, include)


MAX_REPAIRS = 4  # rounds of the typographic repair step


def repair(plan: Plan, document: Document, include: set[str] | None, skip: set[str]) -> set[str]:
    """Keep whole, on its own page, each word that ends a third hyphenated line in a row
    (except on the pages in ``skip``, about to be laid out anew); returns the pages changed."""
    changed = set()
    for number, words in words_to_keep_whole(inspect(document, skip_pages(plan, include))).items():
        page = plan.at(number)
        if page is not None and page.id not in skip and not words <= page.keep_whole:
            log.info("%s: keeping whole %s", page.label, ", ".join(sorted(words - page.keep_whole)))
            page.keep_whole = page.keep_whole | words
            changed.add(page.id)
    return changed


def skip_pages(plan: Plan, include: set[str] | None) -> set[int]:
    """Pages whose typography is not this render's: placeholders, covers, the lead-in."""
    return {n for p in plan.pages.values() if (include is not None and p.id not in include) or not p.fitted
            for n in range(p.number, p.number + p.span)}


class FitCache:
    """Remembers, per page, the tightening level and kept-whole words that made it fit and
    read well. A page's fit depends only on its own content, its side and the stylesheets,
    so a cached entry is exactly what a cold search would find again, and an edit makes
    only the touched spread search anew (which is what keeps `booklet watch` quick)."""

    LIMIT = 2000  # entries kept in the file

    def __init__(self, job: Job):
        digest = hashlib.sha256(f"{job.variant} {weasyprint.__version__}".encode())
        inputs = [*job.project.layouts.rglob("*.css"), *job.project.fonts.glob("*.[ot]tf"), job.icc,
                  *job.font_files]
        for path in sorted(inputs):
            digest.update(path.name.encode() + path.read_bytes())
        self.base = digest.hexdigest()
        self.job = job
        self.path = job.project.dist / ".cache" / "fit.json"

    def key(self, page: PlannedPage) -> str:
        """What the page's fit depends on: its kind, side, content, and for editions the
        edition's own text (a spread's two sides share a level, so a side's key covers both)."""
        content, edition = self.job.content, self.job.edition
        own = edition.data if edition else None
        parts = {
            "letter": page.data, "reply": page.data, "guide": content.introduction.boxes,
            "foreword": content.foreword, "introduction": content.introduction,
            "edition_foreword": own and own.foreword, "organisation": own and own.about,
            "about": content.back_matter.about, "offers": content.back_matter.offers,
        }
        logo = own.logo.path.read_bytes() if own and own.logo and page.kind in ("edition_foreword",
                                                                                "organisation") else b""
        what = f"{page.kind} {page.side} {page.span} {content.booklet.labels!r} {parts.get(page.kind)!r}"
        text = f"{self.base} {what}"
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
                page.tighten = min(max(int(entry.get("level", 0)), 0), MAX_TIGHTEN)
                page.keep_whole = frozenset(str(w) for w in entry.get("keep_whole", []))
                known.add(page.id)
        return known

    def store(self, plan: Plan) -> None:
        entries = self._read()
        for page in plan.fitted():
            entries.pop(self.key(page), None)
            entries[self.key(page)] = {"level": page.tighten, "keep_whole": sorted(page.keep_whole)}
        entries = dict(list(entries.items())[-self.LIMIT:])
        try:
            write_atomic(json.dumps(entries, indent=0, sort_keys=False).encode(), self.path)
        except (OSError, BookletError) as exc:  # a cache that cannot be written only costs time
            log.info("layout cache not written: %s", exc)


def misfit_message(m: Misfit, plan: Plan) -> str:
    if m.over_mm > CONTENT_HEIGHT_MM:  # tightening wins back a fifth of a page at most
        return (f"{m.label}: does not fit its page, {m.over_mm:g} mm over: more than a page too long "
                "for any type size")
    if m.over_mm > 0:
        level = plan.pages[m.id].tighten
        size = "the smallest type size" if level >= MAX_TIGHTEN else f"tightening level {level}"
        return f"{m.label}: does not fit its page, {m.over_mm:g} mm over at {size}"
    return f"{m.label}: landed on page {m.landed}, planned for page {plan.pages[m.id].number}"


@dataclass
class Body:
    """The pages every edition has in common (the wish spreads and the publisher's pages),
    laid out once and shared by every edition whose body is the same."""

    key: str
    document: Document
    levels: dict[str, int]
    keep_whole: dict[str, frozenset[str]]


EDITION_KINDS = ("cover", "back_cover", "edition_foreword", "organisation", "blank")


def body_ids(plan: Plan) -> set[str]:
    """Pages an edition does not make its own: everything but its covers and own pages."""
    return {p.id for p in plan.pages.values() if p.kind not in EDITION_KINDS}


def body_key(job: Job) -> str:
    """Two jobs share a body when its untightened markup (pages, numbers, colours) is the same.
    Taken once per job, before layout tightens its plan."""
    if job.body_key is None:
        markup = job.compose(body_ids(job.plan)).encode()
        job.body_key = hashlib.sha256(markup + job.icc.read_bytes()).hexdigest()
    return job.body_key


def render_body(job: Job) -> Body:
    """Lay the shared pages out on a copy of the job, leaving the caller's plan untightened."""
    own = dataclasses.replace(job)  # a fresh plan
    key = body_key(own)
    _, document, bad = layout(own, body_ids(own.plan))
    if bad:
        raise BookletError([misfit_message(m, own.plan) for m in bad])
    return Body(key, document, own.plan.levels(), {p.id: p.keep_whole for p in own.plan.sequence})


def render(job: Job, body: Body | None = None) -> tuple[str, Document]:
    """Lay out the job; with a body of the same key, only the pages around it are rendered."""
    if body is None or body.key != body_key(job):
        html, document, bad = layout(job)
    else:
        ids = body_ids(job.plan)
        for id in ids:
            job.plan.pages[id].tighten = body.levels.get(id, 0)
            job.plan.pages[id].keep_whole = body.keep_whole.get(id, frozenset())
        _, own, bad = layout(job, set(job.plan.pages) - ids)
        pages = []
        for page in job.plan.sequence:
            start, stop = page.number - 1, page.number - 1 + page.span
            pages += (body.document if page.id in ids else own).pages[start:stop]
        document = own.copy(pages)
        html = job.compose()  # the whole booklet's markup at the final levels: the same either way
    if bad:
        raise BookletError([misfit_message(m, job.plan) for m in bad])
    if len(document.pages) != job.plan.total:
        raise BookletError(f"the booklet has {len(document.pages)} pages; the plan has {job.plan.total}")
    return html, document


def finish(job: Job, html: str, document: Document, output: Path | None = None,
           html_output: Path | None = None, saddle_stitched: bool = True) -> Result:
    """Write the PDF (and the HTML) after the written bytes have passed verification."""
    target = output or job.default_output()
    check_targets([target, *([html_output] if html_output else [])], job.inputs)
    intent = output_intent(job.icc, job.icc == (job.project.root / DEFAULT_ICC).resolve())
    data = pdf_bytes(document, job.variant, intent, document_seed(job, html), job.project.dist / ".cache",
                     job.marks)
    findings = check_pdf(data, job.variant, job.families(), saddle_stitched, job.marks)
    if findings:
        raise BookletError([f"verify: {f}" for f in findings])
    write_atomic_all([(data, target), *([(html.encode(), html_output)] if html_output else [])])
    tightened = {p.label: p.tighten for p in job.plan.pages.values() if p.tighten}
    log.info("wrote %s (%d pages)", target, len(document.pages))
    return Result(target, len(document.pages), tightened, job.plan.notes)


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
