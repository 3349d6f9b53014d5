"""User-facing errors: one line per problem, ``file:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


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
        path = Path(file)
        if self.root is not None:
            try:
                return str(path.resolve().relative_to(self.root.resolve()))
            except ValueError:
                pass
        return str(file)

    def raise_if_any(self) -> None:
        if self.items:
            raise BookletError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
