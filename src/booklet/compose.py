"""Compose stage: content + templates -> one HTML document, with the page plan it promises."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from .errors import BookletError
from .load import Project
from .validate import Content

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
MAX_TIGHTEN = 4  # .tighten-4 in 2-variables.css: the brief's minimum type sizes, closest set


@dataclass
class FixedPage:
    """A page that must hold its content on exactly one page."""

    id: str
    number: int  # 1-based page number the plan gives it
    label: str  # how errors and reports name it
    span: int = 1  # pages it fills: a chapter may flow over a spread
    group: str = ""  # pages that share a type size (the two sides of a wish spread)
    tighten: int = 0

    @property
    def side(self) -> str:
        return "left" if self.number % 2 == 0 else "right"


@dataclass
class Plan:
    """Where every fixed page goes; blank pages are whatever lies between."""

    pages: dict[str, FixedPage] = field(default_factory=dict)
    total: int = 0

    def add(self, id: str, number: int, label: str, span: int = 1, group: str = "") -> None:
        self.pages[id] = FixedPage(id, number, label, span, group or id)

    def tighten(self, ids: list[str]) -> list[FixedPage]:
        """Step the given pages, and the pages they share a spread with, one level down."""
        groups = {self.pages[i].group for i in ids}
        stepped = [p for p in self.pages.values() if p.group in groups]
        for page in stepped:
            page.tighten += 1
        return stepped


def plan_pages(content: Content) -> Plan:
    """The page plan of the brief, grown in fours when there are more wishes."""
    plan = Plan()
    plan.add("om-haeftet", 2, "inside front cover (how the booklet is built)")
    plan.add("forord", 3, "foreword")
    plan.add("introduktion", 4, "introduction (pages 4-5)", span=2)
    number = 6
    for wish in content.wishes:
        spread = f"wish-{wish.slug}"
        plan.add(f"{spread}-letter", number, f"wish {wish.number} ({wish.slug}), letter", group=spread)
        plan.add(f"{spread}-reply", number + 1, f"wish {wish.number} ({wish.slug}), reply", group=spread)
        number += 2
    # Back matter on a spread, then the back cover on the last page of a multiple of 4.
    plan.total = -(-(number + 2) // 4) * 4
    plan.add("om-vaeksthus", plan.total - 2, "about the publisher")
    plan.add("andre-tilbud", plan.total - 1, "other offers")
    return plan


def environment(project: Project) -> jinja2.Environment:
    """The one Jinja2 environment: templates from layouts/ only, autoescape on."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(project.layouts / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_date(content: Content) -> dt.datetime:
    """The date written into the PDF: SOURCE_DATE_EPOCH, else 1 January of the content's year."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except ValueError as exc:
            raise BookletError(f"SOURCE_DATE_EPOCH: not a whole number of seconds: {epoch!r}") from exc
    return dt.datetime(content.booklet.year, 1, 1, tzinfo=dt.UTC)


def load_palette(project: Project) -> dict[str, list[float]]:
    path = project.layouts / "palette.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = [name for name, cmyk in data.items()
           if not (isinstance(cmyk, list) and len(cmyk) == 4 and all(0 <= v <= 100 for v in cmyk))]
    if bad:
        raise BookletError(f"{path}: colours must be [C, M, Y, K] in percent: {', '.join(bad)}")
    return data


def css_colours(palette: dict[str, list[float]], variant: str, icc: Path) -> dict[str, str]:
    """Custom properties for the palette: device-cmyk() for print, sRGB for screen."""
    if variant == "print":
        return {name: "device-cmyk({})".format(" ".join(f"{v / 100:g}" for v in cmyk))
                for name, cmyk in palette.items()}
    from .colour import cmyk_to_srgb

    return {name: "rgb({} {} {})".format(*cmyk_to_srgb(cmyk, icc)) for name, cmyk in palette.items()}


def compose(
    project: Project,
    content: Content,
    plan: Plan,
    variant: str,
    icc: Path,
    date: dt.datetime,
) -> str:
    """Render the booklet's HTML for a variant and a plan (with its tightening levels)."""
    env = environment(project)
    template = env.get_template("booklet.html")
    stylesheets = [*STYLESHEETS, f"css/variant-{variant}.css"]
    return template.render(
        booklet=content.booklet,
        foreword=content.foreword,
        introduction=content.introduction,
        wishes=content.wishes,
        back_matter=content.back_matter,
        pages=plan.pages,
        variant=variant,
        stylesheets=stylesheets,
        colours=css_colours(load_palette(project), variant, icc),
        properties={},
        base_href=(project.layouts.as_uri() + "/"),
        date=date.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
