"""Loading YAML: careless and hostile files end as one line at their file and line, at once."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from booklet import limits
from booklet.build import check
from booklet.errors import BookletError

WISH = "source/wishes/2-ledelsesrum-og-tillid.yaml"
INTRO = "source/introduction.yaml"


def messages(root: Path) -> list[str]:
    with pytest.raises(BookletError) as caught:
        check(root)
    return [str(p) for p in caught.value.problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("value", ["0x2", "0o2", "1_0", "1:30", ".inf", "2.0e"])
def test_yaml_1_1_numbers_are_text_named_by_the_schema(project: Path, value: str):
    """YAML 1.1 reads these as numbers; the core schema reads them as text, and a number
    field names them as text at their line."""
    replace(project / WISH, "number: 2", f"number: {value}")
    assert messages(project) == [f"{WISH}:1: 'number' must be a whole number, not text ('{value}')"]


def test_a_number_too_long_to_convert_is_out_of_range(project: Path):
    replace(project / WISH, "number: 2", "number: " + "9" * 5000)
    assert messages(project) == [f"{WISH}:1: 'number' must be from 1 to 9"]


def test_nested_aliases_are_refused_while_composing(project: Path):
    """A billion laughs in 1 KB: the expansion is counted while composing, never walked."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for number in range(1, 12):
        name, previous = chr(97 + number), chr(96 + number)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    (project / INTRO).write_text("\n".join(lines) + "\n")
    (found,) = messages(project)
    assert found == (f"{INTRO}:5: holds more than {limits.YAML_NODES:,} values once its aliases are "
                     "expanded (the limit)")


def test_one_long_string_aliased_many_times_is_refused(project: Path):
    text = "x" * 60_000  # under the limit once, over it aliased
    blocks = ", ".join(["{p: *s}"] * 2000)
    (project / INTRO).write_text(f'title: &s "{text}"\nblocks: [{blocks}]\n')
    assert messages(project) == [f"{INTRO}:2: holds more than {limits.YAML_CHARS:,} characters of text once "
                                 "its aliases are expanded (the limit)"]


def test_an_alias_inside_its_own_node_is_refused(project: Path):
    (project / INTRO).write_text("title: x\nblocks: &b [{p: x}, *b]\n")
    assert messages(project) == [f"{INTRO}:2: alias *b refers to a node that contains it"]


def test_deep_nesting_is_refused(project: Path):
    (project / INTRO).write_text("title: " + "[" * 3000 + "]" * 3000 + "\n")
    assert messages(project) == [f"{INTRO}:1: nested more than {limits.YAML_DEPTH} levels deep"]


def test_a_key_that_is_a_list_is_named(project: Path):
    (project / INTRO).write_text("? [a, b]\n: x\n")
    found = messages(project)
    assert f"{INTRO}:1: a key must be text, not a list" in found


def test_a_file_over_the_size_limit_is_not_read(project: Path):
    (project / INTRO).write_text("# " + "x" * limits.YAML_FILE_BYTES + "\n")
    assert messages(project) == [f"{INTRO}: is 1.0 MB; the limit is 1.0 MB"]


def test_not_utf8(project: Path):
    (project / INTRO).write_bytes(b"title: \xff\xfe\n")
    assert messages(project) == [f"{INTRO}: cannot be read: not UTF-8 text (invalid start byte at byte 7)"]


def test_a_fifo_or_a_device_is_refused_at_once(project: Path):
    """Opening a FIFO for reading would wait for a writer for ever; it is refused instead."""
    fifo = project / INTRO
    fifo.unlink()
    os.mkfifo(fifo)
    done = threading.Event()

    def run() -> None:
        assert messages(project) == [f"{INTRO}: is not a regular file (a folder, device or pipe): refused"]
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    if not done.is_set():  # unblock the reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO content file blocked")


def test_a_content_file_linked_from_outside_the_project_is_refused(project: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((project / WISH).read_text())
    (project / WISH).unlink()
    (project / WISH).symlink_to(outside)
    assert messages(project) == [f"{WISH}: is a link to {outside}, outside {project}: booklet reads only "
                                 "the project's own files"]
    (project / WISH).unlink()
    (project / WISH).symlink_to("/dev/zero")
    (found,) = messages(project)
    assert found.startswith(f"{WISH}: is a link to /dev/zero, outside")


def test_a_link_inside_the_project_is_fine(project: Path):
    inside = project / "source" / "wish-two.txt"
    (project / WISH).rename(inside)
    (project / WISH).symlink_to(inside)
    check(project)
