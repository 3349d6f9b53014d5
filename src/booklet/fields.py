"""A small declarative schema over YAML nodes, in the spirit of mkdocs' config options.

Records declare their fields once, each with a docstring. Validation walks the node
tree that PyYAML composes, so every problem carries the line it stands on, and it
collects every problem instead of stopping at the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from . import limits
from .errors import Problems

INVALID = object()  # a value that failed validation; its problem is already recorded

_TAG_NAMES = {
    "tag:yaml.org,2002:str": "text",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing",
    "tag:yaml.org,2002:timestamp": "a date",
}


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _TAG_NAMES.get(node.tag, node.tag)


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def shown(value: object, width: int = 60) -> str:
    """A user's value quoted in a message, cut short: a message is one readable line."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")  # "\ud800" in YAML: half of a UTF-16 pair, no character
# White space folded to one space; a no-break space (U+00A0, U+202F, U+2007) is the author's
# wish that two words stay together, and is kept.
FOLDED = re.compile(r"[^\S\u00a0\u202f\u2007]+")
# A run of characters with nowhere to break a line: a space, a hyphen or dash, a soft hyphen,
# a slash or a zero width space would each be one.
UNBREAKABLE = re.compile(rf"[^\s\-/\u00ad\u200b\u2010-\u2015]{{{limits.WORD_CHARS + 1},}}")
# An explicitly tagged number (!!int "0x10", !!float "abc") must still be a plain one.
INTEGER = re.compile(r"[-+]?[0-9]+")
DECIMAL = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def unusable(value: str) -> str:
    """What makes a text unusable in any output (a control character, a lone surrogate), or ''."""
    if control := CONTROL.search(value):
        return f"a control character (U+{ord(control[0]):04X})"
    if surrogate := SURROGATE.search(value):
        return f"a lone surrogate (U+{ord(surrogate[0]):04X}), which is no character"
    return ""


def visible(value: str) -> bool:
    """Whether a text shows anything: not only spaces and invisible format characters (zero
    width space, joiners, word joiner, soft hyphen)."""
    import unicodedata

    return any(not c.isspace() and unicodedata.category(c) != "Cf" for c in value)


@dataclass(frozen=True)
class Located:
    """A text of the content and where it stands, so a later check (the fonts') can name it."""

    file: Path
    line: int
    text: str


@dataclass
class Context:
    """Where validation is: the file, the shared problem list, and (if given) a list that
    collects every text with its line."""

    file: Path
    problems: Problems
    texts: list[Located] | None = None

    def error(self, node: yaml.Node | None, message: str) -> object:
        self.problems.add(self.file, line_of(node) if node is not None else 0, message)
        return INVALID


class Field:
    """One declared field: its docstring and how to check a node against it."""

    label = ""  # its name in the studio's form (Danish), where the studio shows it

    def __init__(self, doc: str, *, optional: bool = False):
        self.doc = doc
        self.optional = optional
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def labelled(self, label: str) -> Field:
        """The field, named ``label`` in the studio's form (its docstring is the help text)."""
        self.label = label
        return self

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        raise NotImplementedError


class Text(Field):
    """A non-empty string of at most ``maximum`` characters and no control characters;
    runs of white space are folded to one space."""

    def __init__(self, doc: str, *, pattern: str | None = None, optional: bool = False,
                 maximum: int = limits.TEXT_CHARS):
        super().__init__(doc, optional=optional)
        self.pattern = re.compile(pattern) if pattern else None
        self.maximum = maximum

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            return ctx.error(node, f"'{self.name}' must be text, not {describe(node)} ({shown(node.value)})"
                             if isinstance(node, yaml.ScalarNode) else
                             f"'{self.name}' must be text, not {describe(node)}")
        if len(node.value) > self.maximum:
            return ctx.error(node, f"'{self.name}' has {len(node.value):,} characters; at most "
                             f"{self.maximum:,}")
        if problem := unusable(node.value):
            return ctx.error(node, f"'{self.name}' holds {problem}")
        value = FOLDED.sub(" ", node.value).strip(" ")
        if not value:
            return ctx.error(node, f"'{self.name}' must not be empty")
        if not visible(value):
            return ctx.error(node, f"'{self.name}' holds only invisible characters ({shown(value)})")
        if word := UNBREAKABLE.search(value):
            return ctx.error(node, f"'{self.name}' holds {len(word[0]):,} characters with nowhere to break "
                             f"the line ({shown(word[0], 30)}); at most {limits.WORD_CHARS}: add a space, a "
                             "hyphen or a soft hyphen (U+00AD)")
        if self.pattern and not self.pattern.fullmatch(value):
            return ctx.error(
                node, f"'{self.name}' must match {self.pattern.pattern}, not {shown(value)}"
            )
        if ctx.texts is not None:
            ctx.texts.append(Located(ctx.file, line_of(node), value))
        return value


class Isbn(Text):
    """An ISBN-13 (hyphens or spaces between its groups allowed) whose check digit is right."""

    def __init__(self, doc: str, *, optional: bool = False):
        super().__init__(doc, pattern=r"97[89][- ]?(\d[- ]?){9}\d", optional=optional, maximum=40)

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        value = super().convert(node, ctx)
        if value is INVALID:
            return value
        digits = [int(d) for d in value if d.isdigit()]
        if sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10:
            return ctx.error(node, f"'{self.name}' is not an ISBN: its check digit is wrong ({shown(value)})")
        return value


class Integer(Field):
    """A whole number within bounds."""

    def __init__(self, doc: str, *, minimum: int, maximum: int, optional: bool = False):
        super().__init__(doc, optional=optional)
        self.minimum, self.maximum = minimum, maximum

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:int":
            return ctx.error(node, f"'{self.name}' must be a whole number, not {describe(node)}"
                             + (f" ({shown(node.value)})" if isinstance(node, yaml.ScalarNode) else ""))
        if not INTEGER.fullmatch(node.value):
            return ctx.error(node, f"'{self.name}' must be a whole number, not {shown(node.value)}")
        if len(node.value) > 18:  # int() of thousands of digits is slow; no bound here is that wide
            return ctx.error(node, f"'{self.name}' must be from {self.minimum} to {self.maximum}")
        value = int(node.value)
        if not self.minimum <= value <= self.maximum:
            return ctx.error(
                node, f"'{self.name}' must be from {self.minimum} to {self.maximum}, not {value}"
            )
        return value


class ListOf(Field):
    """A non-empty list whose items are all of one field kind."""

    def __init__(
        self,
        doc: str,
        item: Field,
        *,
        minimum: int = 1,
        maximum: int = limits.LIST_ITEMS,
        optional: bool = False,
    ):
        super().__init__(doc, optional=optional)
        self.item = item
        self.minimum, self.maximum = minimum, maximum

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self.item.name = f"{name} item"

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            return ctx.error(node, f"'{self.name}' must be a list, not {describe(node)}")
        count = len(node.value)
        if count < self.minimum:
            what = "must not be empty" if count == 0 else f"needs at least {self.minimum} items"
            return ctx.error(node, f"'{self.name}' {what}")
        if count > self.maximum:
            return ctx.error(node, f"'{self.name}' has {count} items; at most {self.maximum}")
        values = [self.item.convert(child, ctx) for child in node.value]
        return INVALID if any(v is INVALID for v in values) else values


class Nested(Field):
    """A mapping validated by a record class."""

    def __init__(self, doc: str, record: type[Record], *, optional: bool = False):
        super().__init__(doc, optional=optional)
        self.record = record

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        return self.record.from_node(node, ctx, self.name)


class OneOf(Field):
    """A mapping with exactly one key, which names the kind of the value (a block)."""

    def __init__(self, doc: str, kinds: dict[str, Field]):
        super().__init__(doc)
        self.kinds = kinds
        for key, field in kinds.items():
            field.name = key

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        allowed = ", ".join(self.kinds)
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            return ctx.error(node, f"a block is a mapping with one key ({allowed})")
        key_node, value_node = node.value[0]
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value not in self.kinds:
            return ctx.error(key_node, f"unknown block {shown(key_node.value)}; expected one of {allowed}")
        value = self.kinds[key_node.value].convert(value_node, ctx)
        return INVALID if value is INVALID else Block(key_node.value, value)


@dataclass(frozen=True)
class Block:
    """A block of running text: its kind (p, quote, bullets, items) and its value."""

    kind: str
    value: Any


class Record:
    """Base of every schema record: declared fields in order, values as attributes."""

    fields: ClassVar[dict[str, Field]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.fields = {
            name: value for name, value in vars(cls).items() if isinstance(value, Field)
        }

    def __init__(self, **values: Any):
        for name in self.fields:
            setattr(self, name, values.get(name))
        self.line = values.get("line", 0)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.fields)
        return f"{type(self).__name__}({inner})"

    @classmethod
    def from_node(cls, node: yaml.Node, ctx: Context, name: str = "") -> Any:
        where = f"'{name}'" if name else "the file"
        if not isinstance(node, yaml.MappingNode):
            return ctx.error(node, f"{where} must be a mapping, not {describe(node)}")
        given: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                ctx.error(key_node, f"a key must be text, not {describe(key_node)}")
            elif key in given:
                ctx.error(key_node, f"duplicate key '{key}'")
            elif key not in cls.fields:
                known = ", ".join(cls.fields)
                ctx.error(key_node, f"unknown key {shown(key)} (expected one of: {known})")
            else:
                given[key] = value_node
        values: dict[str, Any] = {"line": line_of(node)}
        ok = True
        for field_name, field in cls.fields.items():
            if field_name not in given:
                if not field.optional:
                    ctx.error(node, f"missing '{field_name}' in {where}: {field.doc}")
                    ok = False
                continue
            value = field.convert(given[field_name], ctx)
            ok = ok and value is not INVALID
            values[field_name] = value
        return cls(**values) if ok else INVALID


class Cmyk(Field):
    """A colour as [C, M, Y, K] in percent."""

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        expected = f"colour '{self.name}' must be [C, M, Y, K], each 0 to 100 (percent)"
        if not (isinstance(node, yaml.SequenceNode) and len(node.value) == 4):
            return ctx.error(node, expected)
        for value in node.value:
            number = isinstance(value, yaml.ScalarNode) and value.tag in NUMBER_TAGS
            number = number and DECIMAL.fullmatch(value.value) is not None and len(value.value) <= 40
            if not (number and 0 <= float(value.value) <= 100):
                what = shown(value.value) if isinstance(value, yaml.ScalarNode) else describe(value)
                return ctx.error(value, f"{expected}, not {what}")
        return [float(v.value) for v in node.value]


NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class Srgb(Field):
    """A colour as #rrggbb."""

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not (isinstance(node, yaml.ScalarNode) and re.fullmatch(r"#[0-9a-fA-F]{6}", node.value or "")):
            return ctx.error(node, f"colour '{self.name}' must be #rrggbb")
        return node.value.lower()


class MapOf(Field):
    """A mapping from names (from a fixed set) to values of one field kind."""

    def __init__(self, doc: str, item: Field, names: tuple[str, ...], *, optional: bool = False):
        super().__init__(doc, optional=optional)
        self.item, self.names = item, names

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.MappingNode) or not node.value:
            return ctx.error(node, f"'{self.name}' must be a mapping of names to values")
        values, ok = {}, True
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key in lines:
                ok = ctx.error(key_node, f"duplicate key {shown(key)} (also at line {lines[key]})") is None
                continue
            if isinstance(key_node, yaml.ScalarNode):
                lines[key] = line_of(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key not in self.names:
                ok = ctx.error(key_node, f"unknown {self.name} name {shown(key)} (expected one of: "
                               f"{', '.join(self.names)})") is None
                continue
            self.item.name = key
            value = self.item.convert(value_node, ctx)
            ok = ok and value is not INVALID
            values[key] = value
        return values if ok else INVALID


class WishKey(Field):
    """A wish named by its number or its slug."""

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        kinds = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:str")
        if isinstance(node, yaml.ScalarNode) and node.tag in kinds and len(node.value) <= limits.SLUG_CHARS:
            return (str(node.value), line_of(node))
        return ctx.error(node, "a wish is named by its number or slug")


URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class AssetPath(Field):
    """A file inside the edition's own folder: no absolute paths, no '..', no URLs."""

    def __init__(self, doc: str, *, suffixes: tuple[str, ...], optional: bool = False, shared: str = "",
                 max_bytes: int = limits.ASSET_FILE_BYTES):
        super().__init__(doc, optional=optional)
        self.suffixes = suffixes
        self.shared = shared  # a project folder the value may also name, e.g. "fonts"
        self.max_bytes = max_bytes

    def convert(self, node: yaml.Node, ctx: Context) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value:
            return ctx.error(node, f"'{self.name}' must be a file name")
        value = node.value.strip()
        if len(value) > 255 or unusable(value):
            return ctx.error(node, f"'{self.name}' must be a file name, not {shown(value)}")
        if URL_SCHEME.match(value) or value.startswith(("/", "\\", "~")) or ".." in Path(value).parts:
            return ctx.error(node, f"'{self.name}' must be a file inside the edition's folder, "
                             f"not {shown(value)}")
        folder = ctx.file.parent.resolve()
        if self.shared and Path(value).parts[0] == self.shared and not (folder / value).is_file():
            folder = folder.parents[2] / self.shared  # source/editions/<slug>/ -> the project's folder
            value = str(Path(*Path(value).parts[1:]))
        try:
            path = (folder / value).resolve()
        except (RuntimeError, OSError):  # Python 3.11: RuntimeError on a loop of links
            return ctx.error(node, f"'{self.name}' {value} is a loop of symbolic links")
        if not path.is_relative_to(folder):
            return ctx.error(node, f"'{self.name}' leads outside the edition's folder: {value!r}")
        if path.suffix.lower() not in self.suffixes:
            return ctx.error(node, f"'{self.name}' must be one of {', '.join(self.suffixes)}, not {value!r}")
        if not path.is_file():  # a regular file: not a folder, device or pipe
            return ctx.error(node, f"'{self.name}' file not found: {value}")
        if (size := path.stat().st_size) > self.max_bytes:
            return ctx.error(node, f"'{self.name}' {path.name} is {size / limits.MB:.1f} MB; at most "
                             f"{self.max_bytes / limits.MB:.0f} MB")
        return Asset(path, line_of(node))


@dataclass(frozen=True)
class Asset:
    """A validated file of an edition, and the line that named it."""

    path: Path
    line: int
