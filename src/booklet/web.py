"""The booklet as a static web site: one accessible page, its stylesheets, fonts and images.

It works from ``file://`` and from any static host: every link into the site is relative,
nothing is loaded from elsewhere, and no script is needed to read it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from .errors import BookletError
from .files import usual_mode
from .reflow import Source, assets, check_text, outline, prepare

log = logging.getLogger(__name__)

STYLESHEETS = ("3-style.css", "4-web.css")  # from layouts/css/reflow/, after fonts and variables


def default_output(source: Source, folder: Path | None = None) -> Path:
    return (folder or source.project.dist) / ("web-" + source.edition.slug if source.edition else "web")


def site(source: Source) -> dict[str, bytes]:
    """Every file of the site by its path in the site."""
    body = source.body(source.parts)
    check_text(source, body)
    files = assets(source, STYLESHEETS)
    sheets = sorted(name for name in files if name.startswith("css/"))
    entries = outline(body)
    index = source.render("web/index.html", body=body, outline=entries, stylesheets=sheets, assets="")
    files["index.html"] = index.encode()
    return files


def write_tree(files: dict[str, bytes], target: Path, inputs: list[Path]) -> None:
    """Write the site into a fresh folder beside the target, then put it in the target's place:
    a failure leaves the previous site as it was. An existing folder is replaced only if it
    is empty or a site (it has an index.html), never a folder of something else, and never
    one that holds or lies in the build's own inputs."""
    target = target.resolve()
    for given in map(Path.resolve, inputs):
        if target == given or target.is_relative_to(given) or given.is_relative_to(target):
            raise BookletError(f"{target}: holds or lies in the build's own inputs ({given}); "
                               "choose another --output")
    ours = target.is_dir() and (not any(target.iterdir()) or (target / "index.html").is_file())
    if target.exists() and not ours:
        raise BookletError(f"{target}: exists and is not a web site written by booklet; "
                           "choose another --output")
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    old = None
    try:
        for name, data in sorted(files.items()):
            path = fresh / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(fresh, usual_mode(0o777))  # mkdtemp makes 0700
        if target.exists():
            old = target.with_name(f".{target.name}.old-{fresh.name}")
            os.replace(target, old)
        os.replace(fresh, target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        if old is not None and not target.exists():
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_web(root: Path | str, edition: str | None = None, output: Path | None = None,
              folder: Path | None = None) -> Path:
    """Write the site of the booklet or an edition (to ``output``, or by its default name in
    ``folder`` or dist/); returns its folder."""
    source = prepare(root, edition)
    files = site(source)
    target = output or default_output(source, folder)
    write_tree(files, target, source.inputs)
    log.info("wrote %s (%d files)", target, len(files))
    return target
