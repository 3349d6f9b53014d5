"""Writing files: atomically, and never over the build's inputs.

Below every stage (no WeasyPrint), so that any of them can write an output or a cache.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import limits
from .errors import BookletError, printable

log = logging.getLogger(__name__)


def usual_mode(mode: int) -> int:
    """``mode`` less the process's umask: what a plain open() or mkdir() would give."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def check_targets(targets: Sequence[Path], inputs: Sequence[Path] = ()) -> None:
    """Before anything is rendered or written: each output is a new path or a regular file
    (never a folder, device or pipe, which a rename would replace), none lies in ``inputs``
    (the project's own folders and files), and no two are the same."""
    seen: dict[Path, Path] = {}
    for target in targets:
        real = real_path(target)
        if any(real == given or real.is_relative_to(given) for given in map(real_path, inputs)):
            raise BookletError(printable(f"{target}: is one of the build's own inputs (source/, layouts/, "
                                         "fonts/ or the profile): refused as an output"))
        if real in seen:
            raise BookletError(printable(f"{target}: named for two outputs (the PDF and the HTML); one "
                                         "would overwrite the other"))
        seen[real] = target
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise BookletError(printable(f"{target}: cannot be written: {exc.strerror}")) from exc
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise BookletError(printable(f"{target}: exists and is not a regular file (a folder, device or "
                                         "pipe): refused as an output"))


def real_path(path: Path) -> Path:
    """``path`` with its links resolved; a loop of links is the user's mistake, named as such."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11: RuntimeError on a loop
        raise BookletError(printable(f"{path}: is a loop of symbolic links (or cannot be resolved)")) from exc


def check_folder(target: Path, inputs: Sequence[Path]) -> Path:
    """An output folder (a web site, previews) neither holds nor lies in the build's inputs;
    returns its real path."""
    real = real_path(target)
    for given in map(real_path, inputs):
        if real == given or real.is_relative_to(given) or given.is_relative_to(real):
            raise BookletError(printable(f"{target}: holds or lies in the build's own inputs ({given}); "
                                         "choose another --output"))
    return real


def write_atomic(data: bytes, target: Path) -> None:
    """Write next to the target and rename over it: a failure leaves the old file intact."""
    write_atomic_all([(data, target)])


def write_cache(data: bytes, target: Path) -> None:
    """Write a cache file atomically; one that cannot be written only costs time next run."""
    try:
        write_atomic(data, target)
    except (OSError, BookletError) as exc:
        log.info("cache not written: %s", exc)


def write_atomic_all(outputs: Sequence[tuple[bytes, Path]]) -> None:
    """Write every output to a temporary file beside it, then rename them all: a failure
    while writing (a full disk, a folder that cannot be written) replaces none of them."""
    check_targets([target for _, target in outputs])
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(_temporary(data, target)) for data, target in outputs]
        for tmp, (_, target) in zip(temps, outputs, strict=True):
            os.replace(tmp, target)


@contextlib.contextmanager
def _temporary(data: bytes, target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` holding ``data``, locked while it exists (see
    remove_stale_temporaries); removed again unless it was renamed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise BookletError(printable(f"{target}: cannot be written: {exc.strerror or exc}")) from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # held until the file is renamed or removed
            handle.write(data)
            handle.flush()
            os.chmod(tmp, usual_mode(0o666))  # mkstemp makes 0600
            yield tmp
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BookletError(printable(f"{target}: cannot be written: {exc.strerror or exc}")) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove what a killed build left of an earlier write of ``target``: a temporary file
    nobody holds a lock on any more (a writer holds one from the moment it creates the file
    until it renames it, and the kernel drops the lock of a process that dies), and older
    than limits.STALE_TEMP_SECONDS (so the instant between a writer's creating the file and
    taking its lock is never mistaken for abandonment). A concurrent build's temporary file
    is always locked, so it is never removed."""
    removed = []
    now = time.time()
    for tmp in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.lstat().st_mtime < limits.STALE_TEMP_SECONDS or not tmp.is_file():
                continue
            fd = os.open(tmp, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its writer is alive
                tmp.unlink()
                removed.append(tmp)
            finally:
                os.close(fd)
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# -- names an output publishes -------------------------------------------------------------

PUBLISHABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def published_name(name: str) -> str:
    """A file's name as every output publishes it (in a URL, a CSS string, an XML attribute,
    a zip entry, a file system): its stem reduced to ASCII letters, digits, '_' and '-', its
    suffix lower-cased. A name that had to change gets a short hash of the original, so two
    names never become one and nothing from the input reaches an output unmapped."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())
    plain = f"{stem}.{suffix}" if suffix else stem
    if plain == name and PUBLISHABLE.fullmatch(stem) and len(stem) <= 80:
        return name
    mapped = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:40] or "file"
    mapped += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{mapped}.{suffix}" if suffix else mapped


def css_url(url: str) -> str:
    """``url("…")`` for a URL, every character that could end the string, the rule or a
    <style> element (quotes, backslashes, parentheses, line ends, '<', '>', '&') written as
    a CSS escape: the one way a name or a path becomes CSS."""
    safe = re.sub(r"[^A-Za-z0-9._~/:%#?=+,@-]", lambda m: f"\\{ord(m[0]):x} ", url)
    return f'url("{safe}")'
