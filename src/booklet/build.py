"""The whole pipeline: load -> validate -> compose -> render -> finish -> verify -> write.

Everything is gathered and checked before anything is written; a failure at any stage
leaves earlier outputs untouched.
"""

from __future__ import annotations

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

from .compose import MAX_TIGHTEN, VARIANTS, Plan, build_date, compose, plan_pages
from .errors import BookletError, Problems
from .finish import pdf_bytes, write_atomic
from .fonts import check_fonts, declared_families
from .load import Project
from .render import Misfit, misfits, render_html
from .validate import Content, load_content
from .verify import check_pdf

log = logging.getLogger(__name__)

SLUG = "kaere-chef-kaere-ledere"
DEFAULT_ICC = Path("layouts/icc/FOGRA39_ISOcoated_v2_300_bas.icc")


@dataclass
class Result:
    """What a build produced."""

    output: Path
    pages: int
    tightened: dict[str, int] = field(default_factory=dict)


def default_output(project: Project, variant: str) -> Path:
    suffix = "" if variant == "print" else f"-{variant}"
    return project.dist / f"{SLUG}{suffix}.pdf"


def check(root: Path | str) -> Content:
    """Validate everything under source/ (and the fonts against the text); raise on problems."""
    project = Project.at(root)
    problems = Problems(project.root)
    content = load_content(project, problems)
    problems.raise_if_any()
    assert content is not None
    return content


def resolve_icc(project: Project, icc: Path | None) -> Path:
    path = (icc or project.root / DEFAULT_ICC).resolve()
    if not path.is_file():
        raise BookletError(f"{path}: ICC profile not found")
    with path.open("rb") as handle:
        header = handle.read(20)
    if header[16:20] != b"CMYK":
        raise BookletError(f"{path}: not a CMYK ICC profile (colour space {header[16:20]!r})")
    return path


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[-1]
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def layout(project: Project, content: Content, plan: Plan, variant: str, icc: Path,
           date: datetime) -> tuple[str, Document, list[Misfit]]:
    """Compose and render, tightening overflowing pages level by level until all fit.

    Returns the last attempt and its misfits (empty when everything fits), so that a
    caller can still preview what did not fit.
    """
    roots = [project.layouts, project.fonts, icc.parent]
    cache = FitCache(project, compose(project, content, plan, variant, icc, date), icc, variant)
    cache.apply(plan)
    while True:
        html = compose(project, content, plan, variant, icc, date)
        problems = Problems(project.root)
        check_fonts(project.layouts / "css" / "1-fonts.css", visible_text(html), problems)
        problems.raise_if_any()
        document = render_html(html, project.layouts.as_uri() + "/", roots, variant)
        bad = misfits(document, plan)
        overflowing = [m for m in bad if m.over_mm > 0]
        if not bad:
            cache.store(plan)
            return html, document, []
        if not overflowing or any(plan.pages[m.id].tighten >= MAX_TIGHTEN for m in overflowing):
            return html, document, overflowing or bad
        for m in overflowing:
            log.info("%s: %.1f mm over at level %d", m.label, m.over_mm, plan.pages[m.id].tighten)
        plan.tighten([m.id for m in overflowing])


class FitCache:
    """Remembers the tightening levels that made the same inputs fit, so a rebuild of
    unchanged content renders once. Levels only ever step down from the cached ones, so
    the result is the same as a cold search's."""

    def __init__(self, project: Project, untightened_html: str, icc: Path, variant: str):
        digest = hashlib.sha256(untightened_html.encode())
        for path in sorted([*project.layouts.rglob("*.css"), *project.fonts.glob("*.[ot]tf"), icc]):
            digest.update(path.name.encode() + path.read_bytes())
        digest.update(weasyprint.__version__.encode())
        self.key = digest.hexdigest()
        self.path = project.dist / ".cache" / f"fit-{variant}.json"

    def apply(self, plan: Plan) -> None:
        try:
            levels = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return
        if isinstance(levels, dict) and levels.get("key") == self.key:
            for id, level in levels["levels"].items():
                if id in plan.pages and isinstance(level, int):
                    plan.pages[id].tighten = min(max(level, 0), MAX_TIGHTEN)

    def store(self, plan: Plan) -> None:
        data = {"key": self.key, "levels": {p.id: p.tighten for p in plan.pages.values()}}
        try:
            write_atomic(json.dumps(data, indent=1).encode(), self.path)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("layout cache not written: %s", exc)


def misfit_message(m: Misfit, plan: Plan) -> str:
    if m.over_mm > 0:
        return f"{m.label}: does not fit its page, {m.over_mm:g} mm over at the smallest type size"
    return f"{m.label}: landed on page {m.landed}, planned for page {plan.pages[m.id].number}"


def build(
    root: Path | str,
    variant: str = "print",
    output: Path | None = None,
    html_output: Path | None = None,
    icc: Path | None = None,
) -> Result:
    if variant not in VARIANTS:
        raise BookletError(f"unknown variant '{variant}' (expected one of: {', '.join(VARIANTS)})")
    project = Project.at(root)
    content = check(project.root)
    icc_path = resolve_icc(project, icc)
    plan = plan_pages(content)
    date = build_date(content)
    html, document, bad = layout(project, content, plan, variant, icc_path, date)
    if bad:
        raise BookletError([misfit_message(m, plan) for m in bad])
    if len(document.pages) != plan.total:
        raise BookletError(f"the booklet has {len(document.pages)} pages; the plan has {plan.total}")

    seed = hashlib.sha256(html.encode() + icc_path.read_bytes()).digest()
    data = pdf_bytes(document, variant, icc_path == (project.root / DEFAULT_ICC).resolve(), seed)
    findings = check_pdf(data, variant, declared_families(project.layouts / "css" / "1-fonts.css"))
    if findings:
        raise BookletError([f"verify: {f}" for f in findings])

    target = output or default_output(project, variant)
    write_atomic(data, target)
    if html_output:
        write_atomic(html.encode(), html_output)
    tightened = {p.label: p.tighten for p in plan.pages.values() if p.tighten}
    log.info("wrote %s (%d pages)", target, len(document.pages))
    return Result(target, len(document.pages), tightened)
