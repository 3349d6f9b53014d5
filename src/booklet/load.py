"""Load stage: find the project's folders and parse its YAML files into node trees."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BookletError, Problems

CONTENT_FILES = ("booklet.yaml", "foreword.yaml", "introduction.yaml", "back-matter.yaml")
WISHES_DIR = "wishes"


@dataclass(frozen=True)
class Project:
    """The folders a build reads from; nothing outside them is ever loaded."""

    root: Path

    @classmethod
    def at(cls, root: Path | str) -> Project:
        root = Path(root).resolve()
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

    def content_files(self) -> list[Path]:
        wishes = sorted((self.source / WISHES_DIR).glob("*.yaml"))
        return [self.source / name for name in CONTENT_FILES] + wishes


def parse(path: Path, problems: Problems) -> yaml.Node | None:
    """Compose one YAML file into nodes that remember their lines; None if it can't be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(path, 0, "file is missing")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(path, 0, f"cannot be read: {exc}")
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
