"""The command line: a thin layer that parses options and calls the library."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .compose import LAYOUTS, MARKS, SLUG, VARIANTS
from .editions import EDITIONS_DIR, edition_slugs, scaffold_edition
from .errors import BookletError, printable
from .load import Project
from .preflight import cli_command as preflight_command

log = logging.getLogger("booklet")

# Commands whose modules load the PDF pipeline (WeasyPrint): imported when they run, so that
# the others (check, web, epub, ...) start quickly. The PDF commands import it in their bodies.
LAZY = {"impose": ".impose"}


class Booklet(click.Group):
    """Turns unexpected exceptions into one line unless --verbose; loads LAZY commands on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY:
            return importlib.import_module(LAZY[name], __package__).cli_command
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BookletError:
            raise
        except click.ClickException as exc:  # click's own, which may quote a raw argument
            exc.message = printable(exc.message)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            raise BookletError(f"internal error: {exc!r} (run with --verbose for details)") from exc


@click.group(cls=Booklet)
@click.version_option(__version__, prog_name="booklet")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project folder holding source/, layouts/ and fonts/.")
@click.option("--verbose", "-v", is_flag=True, help="Log every step; show tracebacks.")
@click.pass_context
def main(ctx: click.Context, root: Path, verbose: bool) -> None:
    """Typeset the booklet «Kære chef! Kære ledere!» from source/ and layouts/."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    ctx.obj = {"root": root, "verbose": verbose}


Decorator = Callable[[Callable], Callable]


def edition_option(help: str = "An organisation's edition (source/editions/SLUG/).") -> Decorator:
    return click.option("--edition", metavar="SLUG", help=help)


def variant_option(help: str | None = None) -> Decorator:
    """--variant, print by default."""
    return click.option("--variant", type=click.Choice(VARIANTS), default="print", show_default=True,
                        help=help)


def marks_option(command):
    """--marks, for every command that writes a print PDF."""
    return click.option(
        "--marks", type=click.Choice(MARKS), default=None, show_default="crop for print",
        help="crop: crop marks in a 5 mm slug beyond the bleed, in registration colour. "
        "none: bare boxes (MediaBox = BleedBox) for a print shop that imposes and marks itself.")(command)


@main.command("build")
@variant_option("print: PDF/X-4, CMYK, bleed and crop marks. screen: tagged PDF/UA, sRGB.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: dist/kaere-chef-kaere-ledere[-screen].pdf).")
@click.option("--html", "html_output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the final HTML that was rendered.")
@click.option("--icc", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The print shop's CMYK profile for the output intent (default: FOGRA39).")
@edition_option("Build an organisation's edition (source/editions/SLUG/).")
@marks_option
@click.pass_obj
def build_command(obj: dict, variant: str, output: Path | None, html_output: Path | None,
                  icc: Path | None, edition: str | None, marks: str | None) -> None:
    """Build the booklet PDF, or an edition of it."""
    from .build import build

    result = build(obj["root"], variant, output, html_output, icc, edition, marks)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    sizes = sorted(set(result.sizes.values()))
    if sizes:
        click.echo(f"body type set at {sizes[0]:.1f}-{sizes[-1]:.1f} pt to fit (--verbose: each page)",
                   err=True)
        for label, size in result.sizes.items():
            log.info("%s: body %.1f pt", label, size)
    click.echo(printable(f"{result.output} ({result.pages} pages)"))


@main.command("check")
@edition_option("Also validate an edition (source/editions/SLUG/).")
@click.option("--typography", is_flag=True,
              help="Also lay the booklet out and report, per page, its type size and any widow, orphan, "
              "lone word, hyphenated tail, run of hyphens, break against the Danish hyphenation policy, "
              "list changing its measure, wish page off the grid, one-word title line or stranded heading "
              "(exit 1 on a defect).")
@variant_option()
@click.pass_obj
def check_command(obj: dict, edition: str | None, typography: bool, variant: str) -> None:
    """Validate source/ (and an edition) without building."""
    from .build import layout, misfit_message, prepare, skip_pages
    from .typography import report

    job = prepare(obj["root"], variant, edition=edition)
    if typography:
        _, document, bad = layout(job)
        if bad:
            raise BookletError([misfit_message(m, job.plan) for m in bad])
        lines, defects = report(document, job.plan, skip_pages(job.plan, None), job.content.hyphenator)
        for line in lines:
            click.echo(line)
        words = ", ".join(sorted({w for p in job.plan.sequence for w in p.keep_whole})) or "none"
        click.echo(f"words kept whole (no three hyphenated lines in a row, no hyphenated tail): {words}")
        for defect in defects:
            click.echo(str(defect))
        if defects:
            raise BookletError(f"{len(defects)} typographic defect(s)")
        click.echo("typography: no widows, orphans, lone words, hyphenated tails, runs of hyphens, "
                   "bad breaks, lists off their measure, wish pages off the grid, "
                   "one-word title lines or stranded headings")
        return
    what = f"edition '{edition}' and " if edition else ""
    click.echo(f"ok: {what}{len(job.content.wishes)} wishes, foreword, introduction and back matter "
               f"are valid; {job.plan.total} pages")


@main.command("editions")
@click.option("--format", "format_", type=click.Choice(("pdf", "web", "epub")), default="pdf",
              show_default=True, help="pdf: the booklet PDFs. web: a static site each. epub: an EPUB 3 each.")
@variant_option("The PDFs' variant.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=lambda: len(os.sched_getaffinity(0))
              if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, show_default="all cores",
              help="Worker processes.")
@marks_option
@click.pass_obj
def editions_command(obj: dict, format_: str, variant: str, jobs: int, marks: str | None) -> None:
    """Build every edition in source/editions/ into dist/editions/ (PDF, web site or EPUB)."""
    from .build import resolve_marks
    project = Project.at(obj["root"])
    slugs = edition_slugs(project)
    marks = resolve_marks(variant, marks)  # refused once here rather than by every worker
    if not slugs:
        raise BookletError(f"no editions in {project.source / EDITIONS_DIR}")

    def progress(outcome, done: int, total: int) -> None:
        state = "ok" if outcome.ok else "FAILED"
        click.echo(f"[{done}/{total}] {outcome.slug}: {state} ({outcome.seconds:.1f} s)", err=True)

    from .batch import build_editions  # multiprocessing: only for this command

    outcomes = build_editions(project.root, slugs, variant, jobs, project.dist / "editions", progress, marks,
                              format_)
    width = max(len("edition"), *(len(o.slug) for o in outcomes))
    click.echo(f"{'edition':<{width}}  pages  seconds  result")
    for o in outcomes:
        click.echo(f"{o.slug:<{width}}  {o.pages or '-':>5}  {o.seconds:>7.1f}  "
                   f"{Path(o.message).name if o.ok else 'FAILED: ' + o.message}")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise BookletError([f"edition {o.slug} failed: {o.message}" for o in failed])


@main.command("new-edition")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's name, as printed.")
@click.pass_obj
def new_edition_command(obj: dict, slug: str, name: str) -> None:
    """Scaffold source/editions/SLUG/edition.yaml from the template, ready to edit."""
    path = scaffold_edition(Project.at(obj["root"]), slug, name)
    click.echo(f"{path} (edit it, then: booklet check --edition {slug})")


@main.command("handout")
@click.argument("wish", required=False)
@click.option("--all", "all_wishes", is_flag=True, help="Write a handout for every wish.")
@edition_option("An organisation's edition (name and logo in the footer).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="a5", show_default=True,
              help="a5: two A5 pages as in the booklet. a4: both on one landscape A4 sheet "
              "for an office printer.")
@click.option("--variant", type=click.Choice(VARIANTS), default=None,
              help="Default: print for a5, screen (no bleed) for a4.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Default: dist/handouts/<number>-<slug>[-a4][-<edition>].pdf")
@marks_option
@click.pass_obj
def handout_command(obj: dict, wish: str | None, all_wishes: bool, edition: str | None, layout: str,
                    variant: str | None, output: Path | None, marks: str | None) -> None:
    """One wish (its number or slug) as a handout: the leaders' letter and the chef's reply."""
    if all_wishes == (wish is not None):
        raise BookletError("name one WISH (its number or slug), or give --all")
    from .handout import handout, handout_all

    if all_wishes and output:
        raise BookletError("--output names one file; --all writes one per wish into dist/handouts/")
    results = (handout_all(obj["root"], edition, layout, variant, marks) if all_wishes
               else [handout(obj["root"], wish, edition, layout, variant, output, marks)])
    for result in results:
        click.echo(printable(f"{result.output} ({result.pages} {'page' if result.pages == 1 else 'pages'})"))


@main.command("watch")
@edition_option("Watch an edition's build.")
@variant_option()
@click.pass_obj
def watch_command(obj: dict, edition: str | None, variant: str) -> None:
    """Rebuild whenever source/, layouts/ or fonts/ change; keep watching after errors."""
    from .watch import watch  # watchfiles: only for this command

    try:
        watch(obj["root"], variant, edition, lambda line: click.echo(line, err=line.startswith("source")))
    except KeyboardInterrupt:
        click.echo("stopped")


@main.command("preview")
@edition_option("Preview an edition.")
@variant_option()
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PNGs (default: dist/preview[-screen]/).")
@click.option("--dpi", type=click.IntRange(30, 600), default=110, show_default=True)
@click.pass_obj
def preview_command(obj: dict, edition: str | None, variant: str, output: Path | None, dpi: int) -> None:
    """Build, then render one PNG per spread and a contact sheet of them all."""
    from .build import build
    from .compose import resolve_icc
    from .files import check_folder
    from .preview import write_previews

    project = Project.at(obj["root"])
    inputs = project.inputs(resolve_icc(project, None))
    if output:
        check_folder(output, inputs)  # before the build, not after it
    result = build(obj["root"], variant, edition=edition)
    folder = output or result.output.parent / ("preview-" + result.output.stem.removeprefix(SLUG).strip("-")
                                               if result.output.stem != SLUG else "preview")
    written = write_previews(result.output, folder, dpi, inputs)
    click.echo(f"{folder} ({len(written) - 1} spreads and contact.png)")


@main.command("web")
@edition_option()
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="The site's folder (default: dist/web/ or dist/web-SLUG/).")
@click.pass_obj
def web_command(obj: dict, edition: str | None, output: Path | None) -> None:
    """Write the booklet as an accessible static web site (index.html, CSS, fonts)."""
    from .web import build_web

    click.echo(build_web(obj["root"], edition, output))


@main.command("epub")
@edition_option()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the EPUB (default: dist/kaere-chef-kaere-ledere[-SLUG].epub).")
@click.pass_obj
def epub_command(obj: dict, edition: str | None, output: Path | None) -> None:
    """Write the booklet as an accessible EPUB 3 e-book."""
    from .epub import build_epub

    click.echo(build_epub(obj["root"], edition, output))


@main.command("studio")
@edition_option("Open this edition (otherwise the list of editions, and a new one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 lets other machines try the token.")
@click.option("--port", type=click.IntRange(1024, 65535), default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="Only print the address; do not open a browser.")
@click.pass_obj
def studio_command(obj: dict, edition: str | None, host: str, port: int, no_browser: bool) -> None:
    """Make an edition in the browser, with a live proof of its print PDF."""
    from .studio.server import serve  # Starlette and uvicorn: only for this command

    serve(obj["root"], host, port, edition, not no_browser, lambda line: click.echo(line, err=True))


main.add_command(preflight_command)

if __name__ == "__main__":  # pragma: no cover
    main()
