"""Live authoring: rebuild when anything under source/, layouts/ or fonts/ changes.

The process stays warm (imports, fonts), the per-page fit cache settles every page the change
did not touch, and the pages laid out last time are kept (build.Laid): a one-word edit in a
wish lays out that spread alone and takes every other page from the last build.
A broken input prints its problems and the watch goes on; the last good PDF stays in place
(builds write atomically and only after verification).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .build import Laid, build_again
from .errors import BookletError, printable
from .load import Project

INPUTS = {".yaml", ".yml", ".html", ".css", ".ttf", ".otf", ".svg", ".png", ".jpg", ".jpeg", ".icc"}


def is_input(path: Path) -> bool:
    """A file the build reads, or a folder (source/wishes/ replaced by a file, an edition's
    folder removed): not an editor's temporary file (.x.swp, x~, vim's 4913)."""
    name = path.name
    if path.suffix.lower() in INPUTS:
        return True
    return not path.suffix and not name.startswith(".") and not name.endswith("~") and not name.isdigit()


class Rebuild:
    """Builds, keeping the last good layout for the next build to reuse."""

    def __init__(self, root: Path, variant: str, edition: str | None, echo: Callable[[str], None]):
        self.root, self.variant, self.edition, self.echo = root, variant, edition, echo
        self.laid: Laid | None = None

    def __call__(self) -> bool:
        start = time.perf_counter()
        try:
            result, self.laid = build_again(self.root, self.variant, self.edition, self.laid)
        except BookletError as exc:
            for problem in exc.problems:
                self.echo(str(problem))
            return self._failed(start)
        except Exception as exc:  # noqa: BLE001 - a bug of ours must not end the watch either
            self.echo(printable(f"booklet: internal error: {exc!r} "
                                "(run `booklet --verbose build` for details)"))
            self.laid = None  # the last layout may be what tripped it
            return self._failed(start)
        self.echo(f"built {result.output.name} ({result.pages} pages) in {time.perf_counter() - start:.1f} s")
        return True

    def _failed(self, start: float) -> bool:
        self.echo(f"build failed after {time.perf_counter() - start:.1f} s; the last good PDF is unchanged")
        return False


def watch(root: Path, variant: str, edition: str | None, echo: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Build once, then again after each change, until ``stop`` is set (or Ctrl-C)."""
    project = Project.at(root)
    folders = [project.source, project.layouts, project.fonts]
    rebuild = Rebuild(project.root, variant, edition, echo)
    rebuild()
    armed = False
    # The watcher is set up on the generator's first step: announce it only once it has
    # yielded (an empty timeout), so no edit made after the announcement can be missed.
    for changes in watchfiles.watch(*folders, stop_event=stop, debounce=200, step=50,
                                    yield_on_timeout=True, rust_timeout=200):
        if not armed:
            armed = True
            echo(f"watching {', '.join(f.name + '/' for f in folders)} (Ctrl-C to stop)")
        names = sorted({str(Path(path).relative_to(project.root)) for _, path in changes
                        if is_input(Path(path))})
        if not names:  # an editor's or sed's temporary file, come and gone
            continue
        echo("changed: " + ", ".join(names))
        rebuild()
