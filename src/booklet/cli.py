"""The command line: a thin layer that parses options and calls the library."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__
from .build import build, check
from .compose import VARIANTS
from .errors import BookletError
from .preview import write_previews

log = logging.getLogger("booklet")


class Booklet(click.Group):
    """Turns unexpected exceptions into one line unless --verbose."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
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


@main.command("build")
@click.option("--variant", type=click.Choice(VARIANTS), default="print", show_default=True,
              help="print: PDF/X-4, CMYK, bleed and crop marks. screen: tagged PDF/UA, sRGB.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: dist/kaere-chef-kaere-ledere[-screen].pdf).")
@click.option("--html", "html_output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the final HTML that was rendered.")
@click.option("--icc", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The print shop's CMYK profile for the output intent (default: FOGRA39).")
@click.pass_obj
def build_command(obj: dict, variant: str, output: Path | None, html_output: Path | None,
                  icc: Path | None) -> None:
    """Build the booklet PDF."""
    result = build(obj["root"], variant, output, html_output, icc)
    for label, level in result.tightened.items():
        click.echo(f"tightened {label} to level {level}", err=True)
    click.echo(f"{result.output} ({result.pages} pages)")


@main.command("check")
@click.pass_obj
def check_command(obj: dict) -> None:
    """Validate source/ without building."""
    content = check(obj["root"])
    click.echo(f"ok: {len(content.wishes)} wishes, foreword, introduction and back matter are valid")


@main.command("preview")
@click.option("--variant", type=click.Choice(VARIANTS), default="print", show_default=True)
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PNGs (default: dist/preview[-screen]/).")
@click.option("--dpi", type=click.IntRange(30, 600), default=110, show_default=True)
@click.pass_obj
def preview_command(obj: dict, variant: str, output: Path | None, dpi: int) -> None:
    """Build, then render one PNG per spread and a contact sheet of them all."""
    result = build(obj["root"], variant)
    suffix = "" if variant == "print" else f"-{variant}"
    folder = output or result.output.parent / f"preview{suffix}"
    written = write_previews(result.output, folder, dpi)
    click.echo(f"{folder} ({len(written) - 1} spreads and contact.png)")


if __name__ == "__main__":  # pragma: no cover
    main()
