"""Compose stage: content + templates -> one HTML document, with the page plan it promises."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml
from markupsafe import Markup

from . import limits
from .errors import BookletError, Problem
from .files import css_url, real_path
from .load import Project, Unreadable, read_bounded
from .typography import balance, typeset
from .validate import Content

if TYPE_CHECKING:
    from .editions import EditionSpec

VARIANTS = ("print", "screen")
STYLESHEETS = (
    "css/1-fonts.css",
    "css/2-variables.css",
    "css/3-pages.css",
    "css/4-style.css",
    "css/5-covers.css",
    "css/6-wish.css",
    "css/7-chapters.css",
)
SLUG = "kaere-chef-kaere-ledere"  # the outputs' file names
MARKS = ("crop", "none")  # printer's marks of a print PDF: crop marks in a slug, or bare boxes
LAYOUTS = ("a5", "a4")  # of a handout (plan_handout): two A5 pages, or both on one A4 sheet
DEFAULT_ICC = Path("layouts/icc/FOGRA39_ISOcoated_v2_300_bas.icc")
# Copyfit (2-variables.css): a fixed page's body type is set ``step`` tenths of a point below
# the brief's maximum, 9.5 pt, down to its minimum, 8.5 pt; its other sizes follow the step.
MAX_SIZE_PT = 9.5
LAST_STEP = 10  # 8.5 pt
CHAPTER_STEP = 2  # the running text of the chapters starts at 9.3 pt
GRID_STEP = LAST_STEP  # every wish side: the one size of the wish grid, 8.5 pt (6-wish.css)


def size_pt(step: int) -> float:
    """The body size in points at a copyfit step."""
    return round(MAX_SIZE_PT - step / 10, 1)


@dataclass(frozen=True)
class Fit:
    """How a page was made to fit: its copyfit step and the words kept whole."""

    step: int
    keep_whole: frozenset[str]


@dataclass
class PlannedPage:
    """A page of the plan: what goes on it, and where."""

    id: str
    kind: str  # the macro in layouts/templates/parts.html that typesets it
    number: int  # 1-based page number
    label: str  # how errors and reports name it
    span: int = 1  # pages it fills: a chapter may flow over a spread
    group: str = ""  # pages that share a type size (a spread's two sides: share_spreads)
    data: Any = None  # the wish on a letter or reply page
    fitted: bool = True  # held to its page(s) by the fit check (not covers or blanks)
    step: int = 0  # copyfit step (see size_pt): set by build.layout
    keep_whole: frozenset[str] = frozenset()  # words never hyphenated here (build.layout's repair)

    def __post_init__(self) -> None:
        self.step = self.first_step

    @property
    def side(self) -> str:
        return "left" if self.number % 2 == 0 else "right"

    @property
    def first_step(self) -> int:
        """The largest size the page may be set in: a wish side only in its grid's."""
        return GRID_STEP if self.wish else CHAPTER_STEP

    @property
    def last_step(self) -> int:
        """The smallest size the page may be set in."""
        return GRID_STEP if self.wish else LAST_STEP

    @property
    def wish(self) -> bool:
        """A side of a wish spread, set in the wish grid."""
        return self.kind in ("letter", "reply")

    def describe_size(self) -> str:
        if self.wish:
            return f"body {size_pt(self.step):.1f} pt (the wish grid)"
        return f"body {size_pt(self.step):.1f} pt" + ("" if self.step == self.first_step else
                                                        f" (from {size_pt(self.first_step):.1f} pt)")


@dataclass
class Plan:
    """Every page of the booklet in order; the build verifies the layout keeps to it."""

    pages: dict[str, PlannedPage] = field(default_factory=dict)
    total: int = 0
    notes: list[str] = field(default_factory=list)  # how the plan departs from the default
    handout: Any = None  # the wish, when the plan is a single-wish handout
    colophon: str = "kolofon"  # the page that carries the colophon (at its foot, or as its own page)
    sheet: str = "a5"  # what a handout is printed on (LAYOUTS): its pages are set for it

    def add(self, id: str, kind: str, label: str, *, span: int = 1, group: str = "", data: Any = None,
            fitted: bool = True) -> None:
        self.pages[id] = PlannedPage(id, kind, self.total + 1, label, span, group or id, data, fitted)
        self.total += span

    def blank(self) -> None:
        self.add(f"blank-{self.total + 1}", "blank", f"blank page {self.total + 1}", fitted=False)

    @property
    def sequence(self) -> list[PlannedPage]:
        return list(self.pages.values())

    def fitted(self) -> list[PlannedPage]:
        return [p for p in self.pages.values() if p.fitted]

    def fits(self) -> dict[str, Fit]:
        """Each page's copyfit: what build.layout settled on."""
        return {p.id: Fit(p.step, p.keep_whole) for p in self.pages.values()}

    def set_fits(self, fits: dict[str, Fit]) -> None:
        for id, fit in fits.items():
            page = self.pages[id]
            page.step, page.keep_whole = fit.step, fit.keep_whole

    def at(self, number: int) -> PlannedPage | None:
        """The planned page that covers page ``number``."""
        return next((p for p in self.pages.values() if p.number <= number < p.number + p.span), None)


INTRODUCTION_PAGES = 3  # the introduction's pages; the last closes with the guide, facing no wish


def plan_pages(content: Content, edition: EditionSpec | None = None) -> Plan:
    """The page plan: 1 cover, 2 foreword, 3-5 the introduction (opening on a right-hand page,
    its last page closing with the guide «Sådan er hæftet bygget op», so the guide stands after
    the foreword and right before the wishes), the wish spreads (letters on even pages), the
    back matter (about the publisher, the offers), the back cover last on a multiple of 4. The
    colophon stands at the foot of the page before the back cover.

    An edition's own foreword comes before the publisher's (precede) or in its place (replace);
    its own page opens the back matter. Two forewords would put the introduction on a left-hand
    page: the colophon then takes the inside front cover as a page of its own. What the plan
    still lacks of a multiple of 4 becomes «Noter» pages before the back cover, for the meeting
    the booklet is handed out at: never a blank page inside the booklet.
    """
    plan = Plan()
    plan.add("forside", "cover", "front cover", fitted=False)
    own = edition.data.foreword if edition else None
    forewords = [("forord", "foreword")]
    if own is not None:
        mine = ("forord-udgave", "edition_foreword")  # ids free of the slug: editions share the rest
        forewords = [mine] if own.placement == "replace" else [mine, *forewords]
    if len(forewords) % 2 == 0:  # the introduction opens on a right-hand page
        plan.add("kolofon", "colophon", LABELS["colophon"])
        plan.notes.append("the colophon takes the inside front cover, so that the introduction opens on a "
                          "right-hand page")
    for id, kind in forewords:
        plan.add(id, kind, LABELS[kind])
    for part in range(1, INTRODUCTION_PAGES + 1):
        plan.add("introduktion" if part == 1 else f"introduktion-{part}", "introduction",
                 f"{LABELS['introduction']}, page {part} of {INTRODUCTION_PAGES}"
                 + (" with the guide" if part == INTRODUCTION_PAGES else ""), group="introduktion", data=part)
    for wish in (edition.wishes if edition else content.wishes):
        spread = f"wish-{wish.slug}"
        where = f"wish {wish.number} ({wish.slug})"
        plan.add(f"{spread}-letter", "letter", f"{where}, letter", group=spread, data=wish)
        plan.add(f"{spread}-reply", "reply", f"{where}, reply", group=spread, data=wish)
    back = [("om-udgave", "organisation")] if edition and edition.data.about else []
    for id, kind in [*back, ("om-vaeksthus", "about"), ("andre-tilbud", "offers")]:
        plan.add(id, kind, LABELS[kind])
    notes = -(plan.total + 1) % 4
    for _ in range(notes):
        plan.add(f"noter-{plan.total + 1}", "notes", f"notes page {plan.total + 1}")
    if notes:
        plan.notes.append(f"{notes} «Noter» page(s) before the back cover make {plan.total + 1} pages, "
                          "a multiple of 4")
    if "kolofon" not in plan.pages:
        plan.colophon = plan.sequence[-1].id
    plan.add("bagside", "back_cover", "back cover", fitted=False)
    share_spreads(plan)
    return plan


# The publisher's chapters, which share a size with the chapter they face (an edition's own
# pages are set larger, 7-chapters.css; notes and the colophon have no running text).
CHAPTER_KINDS = frozenset({"foreword", "introduction", "about", "offers"})


def share_spreads(plan: Plan) -> None:
    """The two pages of a spread share one type size, as a wish spread's do: a chapter page
    facing another (the foreword and the introduction, the back matter) is searched with it."""
    for left in range(2, plan.total, 2):
        a, b = plan.at(left), plan.at(left + 1)
        if a is not None and b is not None and a is not b and {a.kind, b.kind} <= CHAPTER_KINDS:
            joined = b.group
            for page in plan.pages.values():
                if page.group == joined:
                    page.group = a.group


def plan_handout(wish: Any, layout: str = "a5") -> Plan:
    """A single wish as a handout: its letter and reply, after a lead-in page that is dropped
    after layout, so the letter is a left page with the booklet's mirrored margins. On the A4
    sheet the pages are set for the sheet (``sheet``): printed at 100 %, their bands stop inside
    an office printer's margin instead of bleeding."""
    plan = Plan(handout=wish, sheet=layout)
    plan.add("lead-in", "blank", "lead-in page", fitted=False)
    spread = f"wish-{wish.slug}"
    where = f"wish {wish.number} ({wish.slug})"
    plan.add(f"{spread}-letter", "letter", f"{where}, letter", group=spread, data=wish)
    plan.add(f"{spread}-reply", "reply", f"{where}, reply", group=spread, data=wish)
    return plan


LABELS = {
    "colophon": "the colophon (inside front cover)",
    "foreword": "foreword",
    "edition_foreword": "the edition's foreword",
    "introduction": "introduction",
    "organisation": "the organisation's page",
    "about": "about the publisher",
    "offers": "other offers",
}


def guide_count(text: str, content: Content, wishes: int) -> str:
    """The guide's words that count the wishes, for an edition of ``wishes``: the booklet's
    count word (the seed's «seks») becomes the edition's («de tre tydeligste ønsker»); one
    wish has its own words. The booklet's own text is returned as it is."""
    numbers = content.booklet.labels.pages.numbers
    total = len(content.wishes)
    if wishes == total:
        return text
    phrase = f"de {numbers[total - 1]} "
    if phrase not in text:
        raise BookletError(f"source/introduction.yaml: the guide «{content.introduction.boxes[0].title}» no "
                           f"longer counts the wishes as «{phrase.strip()} …»: an edition of {wishes} "
                           "cannot say how many it holds")
    if wishes == 1:  # from the count word to the word it counts: «de seks tydeligste ønsker»
        return re.sub(rf"{phrase}[^.,:;]*?ønsker", content.booklet.labels.pages.one_wish, text, count=1)
    return text.replace(phrase, f"de {numbers[wishes - 1]} ", 1)


def environment(project: Project) -> jinja2.Environment:
    """The one Jinja2 environment: templates from layouts/ only, autoescape on."""
    return _environment(project.layouts / "templates")


@lru_cache(maxsize=8)
def _environment(templates: Path) -> jinja2.Environment:
    # Kept per folder so templates compile once; Jinja re-reads a template whose file changed.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["typeset"] = _typeset
    env.filters["balance"] = balance
    env.filters["css_url"] = lambda url: Markup(css_url(url))  # escaped for CSS: safe in <style>
    env.filters["guide_count"] = guide_count
    env.globals["INTRODUCTION_PAGES"] = INTRODUCTION_PAGES
    return env


@jinja2.pass_context
def _typeset(context: jinja2.runtime.Context, text: str, keep: Collection[str] = ()) -> Markup:
    """The typeset filter, with the content's hyphenation exceptions (every output's)."""
    content = context.get("content")
    return typeset(text, keep, content.hyphenator if content is not None else None)


def build_date(content: Content) -> dt.datetime:
    """The date written into the PDF: SOURCE_DATE_EPOCH, else 1 January of the content's year."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch[:20]), dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:  # not a number, or no date a PDF can hold
            raise BookletError(f"SOURCE_DATE_EPOCH: not a whole number of seconds since 1970 that is a "
                               f"date: {epoch[:40]!r}") from exc
    return dt.datetime(content.booklet.year, 1, 1, tzinfo=dt.UTC)


def resolve_icc(project: Project, icc: Path | None) -> Path:
    """The output-intent profile: a file LittleCMS reads as a CMYK output (printer) profile."""
    from PIL import ImageCms

    path = real_path(icc or project.root / DEFAULT_ICC)
    try:
        data = read_bounded(path, limits.ICC_FILE_BYTES)
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except Unreadable as exc:
        raise BookletError([Problem(str(icc or DEFAULT_ICC), 0, f"ICC profile {exc}")]) from exc
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        raise BookletError([Problem(str(icc or DEFAULT_ICC), 0, f"not an ICC profile LittleCMS can read: "
                                    f"{exc}")]) from exc
    if profile.xcolor_space.strip() != "CMYK" or profile.device_class != "prtr":
        raise BookletError([Problem(str(icc or DEFAULT_ICC), 0, "not a CMYK output profile (it is a "
                                    f"{profile.xcolor_space.strip()} '{profile.device_class}' profile; "
                                    "the output intent needs CMYK 'prtr')")])
    return path


def load_palette(project: Project) -> dict[str, list[float]]:
    path = project.layouts / "palette.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = [name for name, cmyk in data.items() if not (isinstance(cmyk, list) and len(cmyk) == 4 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100 for v in cmyk))]
    if bad:
        raise BookletError(f"{path}: colours must be [C, M, Y, K] in percent: {', '.join(bad)}")
    return data


def css_colours(project: Project, variant: str, icc: Path, edition: EditionSpec | None) -> dict[str, str]:
    """Custom properties for the palette (with an edition's colours): device-cmyk() for print;
    for screen the edition's own sRGB where it gives one, else the CMYK through the profile."""
    palette = load_palette(project)
    own = edition.data if edition else None
    palette.update((own.colours or {}) if own else {})
    if variant == "print":
        return {name: "device-cmyk({})".format(" ".join(f"{v / 100:g}" for v in cmyk))
                for name, cmyk in palette.items()}
    from .colour import cmyk_to_srgb

    screen = dict((own.screen_colours or {}) if own else {})
    return {name: screen.get(name) or "rgb({} {} {})".format(*cmyk_to_srgb(cmyk, icc))
            for name, cmyk in palette.items()}


def compose(
    project: Project,
    content: Content,
    plan: Plan,
    variant: str,
    icc: Path,
    date: dt.datetime,
    edition: EditionSpec | None = None,
    include: set[str] | None = None,
) -> str:
    """The booklet's HTML for a variant and a plan (with each page's copyfit).

    Pages not in ``include`` (default: all) are left empty but keep their place, so that
    another render can supply them (see build.py: the wish spreads shared by editions).
    """
    from .editions import EDITION_SANS, LOGO_WIDTH_MM, font_faces, logo_for

    logo = logo_for(project, edition, variant, icc)
    faces = font_faces(edition)
    properties = {"logo-width": f"{LOGO_WIDTH_MM}mm"}
    if faces:  # the edition's family stands for Booklet Sans everywhere: text, headings, titles
        properties["sans"] = properties["display"] = Markup(f'"{EDITION_SANS}"')  # ours: safe in <style>

    template = environment(project).get_template("booklet.html")
    return template.render(
        content=content,
        booklet=content.booklet,
        edition=edition,
        logo=logo.as_uri() if logo else None,
        plan=plan,
        pages=plan.pages,
        include=set(plan.pages) if include is None else include,
        variant=variant,
        handout=plan.handout,
        stylesheets=[*STYLESHEETS, f"css/variant-{variant}.css",
                     *(["css/handout.css"] if plan.handout else [])],
        colours=css_colours(project, variant, icc, edition),
        properties=properties,
        font_faces=faces,
        # the output intent, composed here so that it is the profile the build was given (--icc)
        color_profile=icc.as_uri() if variant == "print" else None,
        base_href=(project.layouts.as_uri() + "/"),
        date=date.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
