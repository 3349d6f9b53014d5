"""The edition's form, generated from the one schema (schema.Edition): each field becomes a
control by its kind, its docstring the help text, its ``label`` the Danish name. A filled-in
form becomes ``edition.yaml`` again through a round-trip YAML library, so an existing file
keeps its comments and key order; the lines of that text map ``booklet check``'s problems
back to their fields.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .. import limits
from ..fields import AssetPath, Cmyk, Field, ListOf, MapOf, Nested, Record, Srgb, Text, WishKey
from ..load import compose
from ..schema import PALETTE_LABELS, Edition

IMAGES = (".svg", ".png", ".jpg", ".jpeg")
CHOICES = re.compile(r"[a-z]+(\|[a-z]+)+")  # a pattern that is a list of words: a choice


@dataclass
class Control:
    """One control of the form: what it edits (its path in edition.yaml), and how."""

    path: str
    kind: str  # text, choice, paragraphs, group, repeat, wishes, cmyk, srgb, image, file
    label: str
    help: str
    optional: bool
    children: list[Control] = field(default_factory=list)
    choices: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # a colour map's names

    @property
    def id(self) -> str:
        """The path as an HTML id (a repeat's items get their index in the browser)."""
        return "f-" + self.path.replace(".", "-").replace("_", "-")


def kind_of(item: Field) -> str:
    if isinstance(item, Text):
        return "choice" if item.pattern and CHOICES.fullmatch(item.pattern.pattern) else "text"
    if isinstance(item, Nested):
        return "group"
    if isinstance(item, ListOf):
        return {Text: "paragraphs", Nested: "repeat", WishKey: "wishes"}[type(item.item)]
    if isinstance(item, MapOf):
        return {Cmyk: "cmyk", Srgb: "srgb"}[type(item.item)]
    if isinstance(item, AssetPath):
        return "image" if set(item.suffixes) <= set(IMAGES) else "file"
    raise TypeError(f"no control for {type(item).__name__}")


def controls(record: type[Record] = Edition, prefix: str = "") -> list[Control]:
    """The form for ``record``, in the schema's order."""
    out = []
    for name, item in record.fields.items():
        path = prefix + name
        kind = kind_of(item)
        control = Control(path, kind, item.label or name, item.doc, item.optional)
        if kind == "group":
            control.children = controls(item.record, path + ".")
        elif kind == "repeat":
            control.children = controls(item.item.record, path + ".*.")
        elif kind == "choice":
            control.choices = tuple(item.pattern.pattern.split("|"))
        elif kind in ("cmyk", "srgb"):
            control.names = item.names
        out.append(control)
    return out


# a choice's words in the form (the schema's pattern holds the words edition.yaml takes)
CHOICE_LABELS = {"precede": "Før forlagets forord", "replace": "I stedet for forlagets forord"}


def palette_label(name: str) -> str:
    return PALETTE_LABELS.get(name, name)


# --- the form's values and edition.yaml --------------------------------------------------------

Offered = dict[str, str]  # a file control's choices: the key the browser sends -> the path written


def from_form(values: Any, offered: dict[str, Offered], record: type[Record] = Edition,
              prefix: str = "") -> dict[str, Any]:
    """The data edition.yaml holds for a filled-in form, in the schema's order. Whatever the
    browser sends is only looked up, never trusted: unknown keys are dropped, texts are cut
    at the schema's limit (validation names them), a file is one the studio offered."""
    values = values if isinstance(values, dict) else {}
    data: dict[str, Any] = {}
    for name, item in record.fields.items():
        value = _value(item, values.get(name), offered, prefix + name)
        if value is not None:
            data[name] = value
    return data


def _text(value: Any) -> str:
    return value[:limits.TEXT_CHARS + 1] if isinstance(value, str) else ""


def _value(item: Field, value: Any, offered: dict[str, Offered], path: str) -> Any:
    kind = kind_of(item)
    if kind in ("text", "choice"):
        text = _text(value).strip()
        return text if text or not item.optional else None
    if kind == "paragraphs":
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", _text(value))
                      if p.strip()]
        return paragraphs[:limits.LIST_ITEMS + 1] if paragraphs or not item.optional else None
    if kind == "group":
        if value is None and item.optional:
            return None
        return from_form(value, offered, item.record, path + ".")
    if kind == "repeat":
        items = value if isinstance(value, list) else []
        return [from_form(v, offered, item.item.record, f"{path}.*.") for v in items[:limits.LIST_ITEMS + 1]]
    if kind == "wishes":  # a number or a slug, as the file names it (validation judges which)
        if not isinstance(value, list):
            return None
        return [v if isinstance(v, int) else v[:limits.SLUG_CHARS] for v in value[:limits.LIST_ITEMS + 1]
                if (isinstance(v, int) and not isinstance(v, bool)) or isinstance(v, str)]
    if kind == "cmyk":
        colours = {}
        for name in item.names:
            given = (value or {}).get(name) if isinstance(value, dict) else None
            if isinstance(given, list) and any(str(v).strip() for v in given):
                colours[name] = [_number(v) for v in given[:4]]
        return colours or None
    if kind == "srgb":
        colours = {name: _text(value.get(name)).strip() for name in item.names
                   if isinstance(value, dict) and _text(value.get(name)).strip()}
        return colours or None
    # a file: only a key the studio offered for this control becomes a path
    key = _text(value)
    if not key:
        return None if item.optional else ""
    return offered.get(path, {}).get(key, "")


def _number(value: Any) -> Any:
    """A CMYK value as YAML should hold it: a number where it is one, else the text (which
    validation then names)."""
    text = str(value).strip().replace(",", ".")[:20]
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def to_form(data: Any, record: type[Record] = Edition) -> dict[str, Any]:
    """The form's values for edition.yaml's data (the inverse of from_form)."""
    data = data if isinstance(data, dict) else {}
    values: dict[str, Any] = {}
    for name, item in record.fields.items():
        value = data.get(name)
        kind = kind_of(item)
        if value is None:
            continue
        if kind == "paragraphs":
            values[name] = "\n\n".join(str(p) for p in value) if isinstance(value, list) else str(value)
        elif kind == "group":
            values[name] = to_form(value, item.record)
        elif kind == "repeat":
            values[name] = [to_form(v, item.item.record) for v in value] if isinstance(value, list) else []
        elif kind == "cmyk":
            values[name] = {k: [str(x) for x in v] for k, v in value.items() if isinstance(v, list)} \
                if isinstance(value, dict) else {}
        elif kind == "srgb":
            values[name] = {k: str(v) for k, v in value.items()} if isinstance(value, dict) else {}
        else:
            values[name] = value if kind == "wishes" else str(value)
    return values


def yaml_rt() -> YAML:
    rt = YAML(typ="rt")
    rt.width = 4096  # a paragraph stays on its line, as the shipped files write them
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.preserve_quotes = True
    return rt


def load_rt(text: str) -> CommentedMap:
    """edition.yaml as a round-trip document (comments and order kept); a file that is not
    a mapping starts afresh."""
    try:
        doc = yaml_rt().load(text)
    except Exception:  # noqa: BLE001 - ruamel raises many kinds; the studio then rewrites it whole
        doc = None
    return doc if isinstance(doc, CommentedMap) else CommentedMap()


def plain(doc: Any) -> Any:
    """A round-trip document as plain dicts, lists and scalars."""
    if isinstance(doc, dict):
        return {str(k): plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [plain(v) for v in doc]
    return doc


def merged_text(base: str, data: dict[str, Any]) -> str:
    """``base`` (edition.yaml as it is) with the form's data in it: unchanged values keep
    their style and comments, new keys go where the schema orders them."""
    doc = load_rt(base)
    _merge(doc, data, Edition)
    out = io.StringIO()
    yaml_rt().dump(doc, out)
    return out.getvalue()


def _scalar(value: Any) -> Any:
    return DoubleQuotedScalarString(value) if isinstance(value, str) else value


def _merge(target: CommentedMap, data: dict[str, Any], record: type[Record] | None,
           entry: Field | None = None) -> None:
    """Merge ``data`` into ``target``: a record's fields, or (``entry``) a map's values."""
    order = list(record.fields) if record else list(data)
    for key in [k for k in target if k not in data and (record is None or k in record.fields)]:
        del target[key]
    for key, value in data.items():
        item = record.fields.get(key) if record else entry
        current = target.get(key)
        if current == value and type(current) is not CommentedMap:
            continue  # as it was: keep its quoting and its comments
        new = _node(current, value, item)
        if key in target:
            target[key] = new
        else:  # before the first key the schema puts after it
            later = [k for k in target if k in order and order.index(k) > order.index(key)]
            position = list(target).index(later[0]) if later else len(target)
            target.insert(position, key, new)


def _node(current: Any, value: Any, item: Field | None) -> Any:
    if isinstance(value, dict):
        node = current if isinstance(current, CommentedMap) else CommentedMap()
        if isinstance(item, MapOf):
            _merge(node, value, None, item.item)
        else:
            _merge(node, value, item.record if isinstance(item, Nested) else None)
        return node
    if isinstance(value, list):
        flow = isinstance(item, Cmyk) or (isinstance(item, ListOf) and isinstance(item.item, WishKey))
        seq = current if isinstance(current, CommentedSeq) else CommentedSeq()
        element = item.item if isinstance(item, ListOf) else None
        olds = list(seq)
        seq.clear()
        for index, v in enumerate(value):
            old = olds[index] if index < len(olds) else None
            seq.append(old if old == v and not isinstance(old, CommentedMap) else _node(old, v, element))
        if flow or (isinstance(current, CommentedSeq) and current.fa.flow_style()):
            seq.fa.set_flow_style()
        return seq
    return _scalar(value)


# --- problems to fields ------------------------------------------------------------------------


def line_paths(text: str) -> tuple[dict[int, str], dict[int, str]]:
    """Line -> the path of the field a key on it names (a list's item: its list's path with
    its index); and line -> the path of a mapping that starts there (for a missing key)."""
    keys: dict[int, str] = {}
    mappings: dict[int, str] = {}
    try:
        root = compose(text)
    except yaml.YAMLError:
        return keys, mappings

    def walk(node: yaml.Node, path: str) -> None:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            mappings.setdefault(line, path)
            for key, value in node.value:
                sub = f"{path}.{key.value}" if path else str(key.value)
                keys[key.start_mark.line + 1] = sub
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                sub = f"{path}.{index}"
                keys.setdefault(value.start_mark.line + 1, sub)
                walk(value, sub)
        else:
            keys.setdefault(line, path)

    if root is not None:
        walk(root, "")
    return keys, mappings


MISSING = re.compile(r"missing '(\w+)'")


def field_of(path: str) -> str:
    """The form control a path in edition.yaml belongs to: a paragraph's list, a colour's map
    entry, a signatory's own field."""
    parts = path.split(".")
    controls_by_path = {c.path: c for c in walk_controls(controls())}
    # a repeat's item fields are named with their index in the browser (foreword.signatories.0.name)
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        generic = re.sub(r"\.\d+(?=\.|$)", ".*", candidate)
        control = controls_by_path.get(generic)
        if control is not None:
            if control.kind in ("cmyk", "srgb") and length < len(parts):
                return f"{candidate}.{parts[length]}"
            return candidate
    return ""


def walk_controls(items: list[Control]) -> list[Control]:
    out = []
    for control in items:
        out.append(control)
        out += walk_controls(control.children)
    return out


def place(problems: list[tuple[str, int, str]], text: str,
          file: str) -> tuple[dict[str, list[str]], list[str]]:
    """Each problem of ``file`` (edition.yaml as written from the form) at its field; the
    rest (another file's, or one no field holds) as general messages."""
    keys, mappings = line_paths(text)
    fields: dict[str, list[str]] = {}
    general = []
    for where, line, message in problems:
        path = ""
        if where == file and line:
            missing = MISSING.match(message)
            if missing and line in mappings:
                base = mappings[line]
                path = f"{base}.{missing[1]}" if base else missing[1]
            else:
                path = keys.get(line, "")
        target = field_of(path) if path else ""
        if target:
            fields.setdefault(target, []).append(message)
        else:
            general.append(f"{where}:{line}: {message}" if line else f"{where}: {message}")
    return fields, general
