"""Validate stage: every content file against the schema, then the rules across files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problems
from .fields import INVALID, Context, Located, Record
from .load import WISHES_DIR, Project, parse
from .schema import BackMatter, Booklet, Foreword, Introduction, Wish


@dataclass(frozen=True)
class Content:
    """Everything the booklet says, validated."""

    booklet: Booklet
    foreword: Foreword
    introduction: Introduction
    wishes: tuple[Wish, ...]
    back_matter: BackMatter
    texts: tuple[Located, ...] = ()  # every text with its file and line, for the font check

    def wish(self, key: str | int) -> Wish | None:
        """A wish by number or slug."""
        for wish in self.wishes:
            if str(key) in (str(wish.number), wish.slug):
                return wish
        return None


def read_record(path: Path, record: type[Record], problems: Problems, within: Path,
                texts: list[Located] | None = None):
    """A file validated as ``record``; its real path (links resolved) must lie in ``within``."""
    node = parse(path, problems, within)
    if node is None:
        return INVALID
    return record.from_node(node, Context(path, problems, texts))


def load_content(project: Project, problems: Problems) -> Content | None:
    """Read and validate all of ``source/``; problems are collected, not raised."""
    source, texts = project.source, []

    def read(path: Path, record: type[Record]):
        return read_record(path, record, problems, project.root, texts)

    booklet = read(source / "booklet.yaml", Booklet)
    foreword = read(source / "foreword.yaml", Foreword)
    introduction = read(source / "introduction.yaml", Introduction)
    back_matter = read(source / "back-matter.yaml", BackMatter)
    wish_files = sorted((source / WISHES_DIR).glob("*.yaml"))
    if not wish_files:
        problems.add(source / WISHES_DIR, 0, "no wishes found (expected <number>-<slug>.yaml)")
    most = Wish.fields["number"].maximum
    if len(wish_files) > most:  # numbers run 1 to 9: more files can never be valid, so none is read
        problems.add(source / WISHES_DIR, 0, f"{len(wish_files)} wish files; at most {most}")
        wish_files = []
    wishes = []
    for path in wish_files:
        wish = read(path, Wish)
        if wish is not INVALID:
            check_wish_file(path, wish, problems)
            wishes.append((path, wish))
    if len(wishes) == len(wish_files):  # the set is judged only when each wish could be read
        check_wish_set(wishes, problems)
    if INVALID in (booklet, foreword, introduction, back_matter) or problems:
        return None
    wishes.sort(key=lambda pair: pair[1].number)
    return Content(booklet, foreword, introduction, tuple(w for _, w in wishes), back_matter, tuple(texts))


def check_wish_file(path: Path, wish: Wish, problems: Problems) -> None:
    expected = f"{wish.number}-{wish.slug}.yaml"
    if path.name != expected:
        problems.add(path, wish.line, f"file name should be {expected} (its number and slug)")


def check_wish_set(wishes: list[tuple[Path, Wish]], problems: Problems) -> None:
    seen_numbers: dict[int, Path] = {}
    seen_slugs: dict[str, Path] = {}
    for path, wish in wishes:
        if wish.number in seen_numbers:
            problems.add(path, wish.line,
                         f"duplicate wish number {wish.number} (also in {seen_numbers[wish.number].name})")
        seen_numbers.setdefault(wish.number, path)
        if wish.slug in seen_slugs:
            problems.add(path, wish.line,
                         f"duplicate wish slug '{wish.slug}' (also in {seen_slugs[wish.slug].name})")
        seen_slugs.setdefault(wish.slug, path)
    numbers = sorted(seen_numbers)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        last = wishes[-1][0]
        problems.add(last.parent, 0, f"wish numbers must run 1 to {len(numbers)}, found {numbers}")
