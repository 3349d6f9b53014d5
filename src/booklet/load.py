"""Load stage: find the project's folders and parse its YAML files into node trees."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, ScalarEvent
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from . import limits
from .errors import BookletError, Problems
from .files import real_path

CONTENT_FILES = ("booklet.yaml", "foreword.yaml", "introduction.yaml", "back-matter.yaml")
WISHES_DIR = "wishes"


@dataclass(frozen=True)
class Project:
    """The folders a build reads from; nothing outside them is ever loaded."""

    root: Path

    @classmethod
    def at(cls, root: Path | str) -> Project:
        root = real_path(Path(root))
        missing = [name for name in ("source", "layouts", "fonts") if not (root / name).is_dir()]
        if missing:
            raise BookletError(
                f"{root}: not a booklet project (missing folder: {', '.join(missing)})"
            )
        return cls(root)

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    @property
    def fonts(self) -> Path:
        return self.root / "fonts"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def fonts_css(self) -> Path:
        """The stylesheet whose @font-face rules name every font a PDF may hold (the screen
        outputs use its faces too)."""
        return self.layouts / "css" / "1-fonts.css"

    def inputs(self, icc: Path) -> list[Path]:
        """What an output must never overwrite: the project's folders and the profile."""
        return [self.source, self.layouts, self.fonts, icc]

    def content_files(self) -> list[Path]:
        wishes = sorted((self.source / WISHES_DIR).glob("*.yaml"))
        return [self.source / name for name in CONTENT_FILES] + wishes


class Unreadable(Exception):
    """A file booklet will not read; the message says why (without the file's name)."""


def size_text(size: int) -> str:
    return f"{size / limits.MB:.1f} MB" if size >= limits.MB else f"{size / 1024:.0f} KB"


def read_bounded(path: Path, limit: int, within: Path | None = None) -> bytes:
    """A regular file's bytes, if it is at most ``limit`` bytes and (given ``within``) its
    real path, links resolved, lies inside that folder. A FIFO, a device or a folder is
    refused at once, never read (O_NONBLOCK: opening a FIFO does not wait for a writer)."""
    try:
        real = path.resolve()
    except RuntimeError as exc:  # Python 3.11's word for a loop of links
        raise Unreadable("is a loop of symbolic links") from exc
    if within is not None and not real.is_relative_to(within.resolve()):
        raise Unreadable(f"is a link to {real}, outside {within}: booklet reads only the project's own files")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise Unreadable("file is missing") from exc
    except OSError as exc:
        raise Unreadable(f"cannot be read: {exc.strerror}") from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Unreadable("is not a regular file (a folder, device or pipe): refused")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise Unreadable(f"is {size_text(info.st_size)}; the limit is {size_text(limit)}")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"grew past the limit of {size_text(limit)} while it was read")
    return data


class YamlLimit(yaml.MarkedYAMLError):
    """A YAML file that crosses a declared limit (alias expansion, nesting depth)."""


# YAML 1.2's core schema: only plain decimal numbers are numbers, only true/false are
# booleans. YAML 1.1's .nan, .inf, 0x10, 0o7, 1:30, 1_000, yes/no and dates stay text, so
# the schema names them as the wrong type instead of reading a colour as NaN.
_IMPLICIT = [
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
]


class ContentResolver(BaseResolver):
    pass


for _tag, _pattern, _first in _IMPLICIT:
    ContentResolver.add_implicit_resolver(_tag, re.compile(rf"(?:{_pattern})\Z"), list(_first))


class BoundedComposer(Composer):
    """Composes nodes while counting what a reader of them sees, every alias expanded: the
    nodes against ``limits.YAML_NODES`` and the characters of text against
    ``limits.YAML_CHARS``. Refuses nesting deeper than ``limits.YAML_DEPTH`` and an alias
    inside the node it names (a cycle)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes = self.chars = self.depth = 0
        self.sizes: dict[int, tuple[int, int]] = {}  # id(anchored node) -> its expanded size

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)
            if id(node) not in self.sizes:
                raise YamlLimit(None, None, f"alias *{event.anchor} refers to a node that contains it",
                                event.start_mark)
            self._count(*self.sizes[id(node)], event.start_mark)
            return node
        self.depth += 1
        if self.depth > limits.YAML_DEPTH:
            raise YamlLimit(None, None, f"nested more than {limits.YAML_DEPTH} levels deep", event.start_mark)
        before = self.nodes, self.chars
        node = super().compose_node(parent, index)
        self._count(1, len(event.value) if isinstance(event, ScalarEvent) else 0, event.start_mark)
        self.depth -= 1
        if event.anchor is not None:
            self.sizes[id(node)] = (self.nodes - before[0], self.chars - before[1])
        return node

    def _count(self, nodes: int, chars: int, mark: yaml.Mark) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > limits.YAML_NODES:
            raise YamlLimit(None, None, f"holds more than {limits.YAML_NODES:,} values once its aliases are "
                            "expanded (the limit)", mark)
        if self.chars > limits.YAML_CHARS:
            raise YamlLimit(None, None, f"holds more than {limits.YAML_CHARS:,} characters of text once its "
                            "aliases are expanded (the limit)", mark)


class ContentLoader(Reader, Scanner, Parser, BoundedComposer, ContentResolver):
    """Composes (never constructs) YAML into nodes, bounded: see BoundedComposer."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        BoundedComposer.__init__(self)
        ContentResolver.__init__(self)


def compose(text: str) -> yaml.Node | None:
    loader = ContentLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse(path: Path, problems: Problems, within: Path | None = None) -> yaml.Node | None:
    """Compose one YAML file into nodes that remember their lines; None if it can't be read.
    ``within``: the folder the file's real path must stay in (links resolved)."""
    try:
        text = read_bounded(path, limits.YAML_FILE_BYTES, within).decode("utf-8")
    except Unreadable as exc:
        problems.add(path, 0, str(exc))
        return None
    except UnicodeDecodeError as exc:
        problems.add(path, 0, f"cannot be read: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    try:
        node = compose(text)
    except YamlLimit as exc:
        problems.add(path, exc.problem_mark.line + 1, exc.problem)
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problems.add(path, line, f"malformed YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        problems.add(path, 0, f"malformed YAML: {exc}")
        return None
    if node is None:
        problems.add(path, 1, "file is empty")
    return node
