"""Validate stage: every content file against the schema, then the rules across files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import Problems
from .fields import INVALID, Context, Located, Record, line_of
from .hyphenate import Exceptions, Hyphenator, bad_entry
from .load import WISHES_DIR, Project, parse
from .schema import BackMatter, Booklet, Foreword, Hyphenation, Introduction, Wish


@dataclass(frozen=True)
class Content:
    """Everything the booklet says, validated."""

    booklet: Booklet
    foreword: Foreword
    introduction: Introduction
    wishes: tuple[Wish, ...]
    back_matter: BackMatter
    texts: tuple[Located, ...] = ()  # every text with its file and line, for the font check
    hyphenation: Exceptions = Exceptions()  # source/hyphenation.yaml

    @cached_property
    def hyphenator(self) -> Hyphenator:
        """The Danish hyphenation every output typesets with (hyphenate.py)."""
        return Hyphenator(self.hyphenation)

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
    hyphenation = read_hyphenation(source / HYPHENATION, problems, project.root)
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
    if INVALID in (booklet, foreword, introduction, back_matter, hyphenation) or problems:
        return None
    wishes.sort(key=lambda pair: pair[1].number)
    return Content(booklet, foreword, introduction, tuple(w for _, w in wishes), back_matter, tuple(texts),
                   hyphenation)


HYPHENATION = "hyphenation.yaml"


def read_hyphenation(path: Path, problems: Problems, within: Path) -> Exceptions | object:
    """The hyphenation exceptions (optional: without the file, Pyphen's breaks and the limits
    alone); each word's breaks checked against the limits, and no word listed twice."""
    if not path.exists():
        return Exceptions()
    node = parse(path, problems, within)
    if node is None:
        return INVALID
    ctx = Context(path, problems)
    data = Hyphenation.from_node(node, ctx)
    if data is INVALID:
        return INVALID
    seen: dict[str, int] = {}
    items = [(e, "breaks") for e in data.breaks or ()] + [(e, "never") for e in data.never or ()]
    nodes = {key.value: value for key, value in node.value}
    lines = [line_of(n) for key in ("breaks", "never") if key in nodes for n in nodes[key].value]
    for (entry, kind), line in zip(items, lines, strict=True):
        word = entry.replace("-", "").lower()
        if kind == "breaks" and (problem := bad_entry(entry)):
            problems.add(path, line, f"'{entry}': {problem}")
        if word in seen:
            problems.add(path, line, f"'{entry}' is listed twice (also on line {seen[word]})")
        seen.setdefault(word, line)
    return Exceptions.parse(data.breaks or (), data.never or ())


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
