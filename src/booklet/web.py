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

from .errors import BookletError, printable
from .files import check_folder, usual_mode
from .reflow import Source, assets, check_ids, check_text, outline, prepare

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
    check_ids(source, index)
    files["index.html"] = index.encode()
    return files


MANIFEST = ".booklet-site"  # in the site: the files booklet wrote there, one a line


def write_tree(files: dict[str, bytes], target: Path, inputs: list[Path]) -> None:
    """Write the site into a fresh folder beside the target, then put it in the target's place:
    a failure leaves the previous site as it was. An existing folder is replaced only if
    every file in it is one booklet wrote there (its manifest lists them) or is about to
    write, never a folder of something else, and never one that holds or lies in the
    build's own inputs."""
    target = check_folder(target, inputs)
    files = {**files, MANIFEST: "".join(f"{name}\n" for name in sorted(files)).encode()}
    try:
        if target.exists() or target.is_symlink():
            _check_ours(target, files)
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:  # a read-only disk, a regular file where a folder must be
        raise BookletError(printable(f"{target}: cannot be written: {exc.strerror or exc}")) from exc
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
    except BaseException as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        if old is not None and not target.exists():
            os.replace(old, target)
        if isinstance(exc, OSError):  # a full disk
            raise BookletError(printable(f"{target}: cannot be written: {exc.strerror or exc}")) from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_ours(target: Path, files: dict[str, bytes]) -> None:
    """Refuse to replace ``target`` unless it is a folder of nothing but what booklet wrote."""
    if target.is_symlink() or not target.is_dir():
        raise BookletError(printable(f"{target}: exists and is not a folder: choose another --output"))
    manifest = target / MANIFEST
    written = set(files)
    if manifest.is_file() and not manifest.is_symlink():
        written |= set(manifest.read_text(encoding="utf-8", errors="replace").splitlines())
    found = {p.relative_to(target).as_posix() for p in target.rglob("*") if not p.is_dir() or p.is_symlink()}
    if foreign := sorted(found - written):
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise BookletError(printable(f"{target}: exists and is not a web site written by booklet (it holds "
                                     f"{shown}); choose another --output"))


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
