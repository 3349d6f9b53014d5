"""User-facing errors: one line per problem, ``file:line: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

# Control characters (ESC, BEL, NUL, ...) and the bidirectional overrides: echoed raw, a file
# name or a value could move the cursor, ring, retitle the terminal or reorder what it shows.
UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: every control character shown as an escape (\\x1b)."""
    return UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return printable(f"{where}: {self.message}")


class BookletError(click.ClickException):
    """A mistake the user can fix; printed without a traceback, exit code 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("booklet", 0, problems)]
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(self.format_message(), err=True, file=file)


class Problems:
    """Collects problems so that every one is reported, then one abort."""

    def __init__(self, root: Path | None = None):
        self.root = root
        self.items: list[Problem] = []

    def add(self, file: Path | str, line: int, message: str) -> None:
        self.items.append(Problem(self.display(file), line, message))

    def display(self, file: Path | str) -> str:
        """The file as the user named it, relative to the project (a link is named, not
        where it leads)."""
        path = Path(file)
        if self.root is not None:
            for candidate in (path.absolute(), path.resolve):
                try:
                    candidate = candidate() if callable(candidate) else candidate
                    return str(candidate.relative_to(self.root.resolve()))
                except (ValueError, RuntimeError):  # outside the project; a loop of links
                    pass
        return str(file)

    def raise_if_any(self) -> None:
        if self.items:
            raise BookletError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
