"""Schema validation: every problem reported as file:line, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.build import check
from booklet.errors import BookletError

from .conftest import ROOT


def messages(root: Path) -> list[str]:
    with pytest.raises(BookletError) as caught:
        check(root)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_content_is_valid():
    content = check(Path(__file__).resolve().parents[1])
    assert [w.number for w in content.wishes] == [1, 2, 3, 4, 5, 6]
    assert all(len(w.letter.quotes) == 3 and len(w.reply.quotes) == 3 for w in content.wishes)


def test_every_problem_is_reported_at_once_with_file_and_line(project: Path):
    wish = project / "source/wishes/1-strategisk-retning.yaml"
    text = wish.read_text()
    text = text.replace("letter:\n", "letter:\n  colour: red\n", 1)  # unknown key
    text = text.replace("number: 1", "number: one")  # wrong type
    wish.write_text(text)
    foreword = project / "source/foreword.yaml"
    foreword.write_text(foreword.read_text().replace("title: ", "heading: ", 1))  # unknown + missing
    found = messages(project)
    assert "source/wishes/1-strategisk-retning.yaml:1: 'number' must be a whole number, not text ('one')" in found
    assert any(m.startswith("source/wishes/1-strategisk-retning.yaml:4: unknown key 'colour'") for m in found)
    assert any(m.startswith("source/foreword.yaml:1: unknown key 'heading'") for m in found)
    assert any(m.startswith("source/foreword.yaml:1: missing 'title'") for m in found)
    assert len(found) == 4


def test_empty_list_and_empty_text(project: Path):
    wish = project / "source/wishes/2-ledelsesrum-og-tillid.yaml"
    lines = wish.read_text().splitlines()
    start = lines.index("  risks:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    - "))
    lines[start:end] = ["  risks: []"]
    text = "\n".join(lines).replace('  title: "du giver', '  title: "  "\n  x_title: "du giver')
    wish.write_text(text + "\n")
    found = messages(project)
    assert f"source/wishes/2-ledelsesrum-og-tillid.yaml:{start + 2}: 'risks' must not be empty" in found
    assert "source/wishes/2-ledelsesrum-og-tillid.yaml:4: 'title' must not be empty" in found


def test_duplicate_slug_and_number(project: Path):
    wishes = project / "source/wishes"
    text = (wishes / "6-kompetencer.yaml").read_text()
    (wishes / "6-kompetencer.yaml").write_text(text.replace('slug: "kompetencer"', 'slug: "sparring"')
                                                .replace("number: 6", "number: 3"))
    found = messages(project)
    assert any("duplicate wish number 3" in m for m in found)
    assert any("duplicate wish slug 'sparring'" in m for m in found)
    assert any("file name should be 3-sparring.yaml" in m for m in found)


def test_malformed_yaml_names_the_line(project: Path):
    path = project / "source/back-matter.yaml"
    lines = path.read_text().splitlines()
    lines[5] = lines[5] + ' "unclosed'
    path.write_text("\n".join(lines) + "\n")
    found = messages(project)
    assert len(found) == 1 and found[0].startswith("source/back-matter.yaml:")
    assert "malformed YAML" in found[0]


def test_duplicate_keys_are_errors(project: Path):
    path = project / "source/booklet.yaml"
    path.write_text(path.read_text() + "year: 2017\n")
    assert any(m.endswith("duplicate key 'year'") for m in messages(project))


def test_missing_file(project: Path):
    (project / "source/introduction.yaml").unlink()
    assert "source/introduction.yaml: file is missing" in messages(project)


def test_limits_on_text_lists_and_slugs(project: Path):
    wish = project / "source/wishes/2-ledelsesrum-og-tillid.yaml"
    text = wish.read_text()
    text = text.replace("slug: \"ledelsesrum-og-tillid\"", "slug: " + "a" * 300, 1)
    text = text.replace("  implies:\n", "  implies:\n" + '    - "ord"\n' * 101, 1)
    wish.write_text(text)
    intro = project / "source/introduction.yaml"
    intro.write_text(intro.read_text().replace("blocks:\n", f'blocks:\n  - p: "{"ord " * 1000}"\n', 1))
    found = messages(project)
    assert "source/wishes/2-ledelsesrum-og-tillid.yaml:2: 'slug' has 300 characters; at most 60" in found
    assert "source/wishes/2-ledelsesrum-og-tillid.yaml:6: 'implies' has 105 items; at most 100" in found
    assert "source/introduction.yaml:3: 'p' has 4,000 characters; at most 3,000" in found


def test_control_characters_in_text_are_named(project: Path):
    path = project / "source/foreword.yaml"
    path.write_text(path.read_text().replace('title: "Forord"', 'title: "For\\eord\\a"', 1))
    assert messages(project) == ["source/foreword.yaml:1: 'title' holds a control character (U+001B)"]


def test_more_wish_files_than_numbers_are_not_read(project: Path):
    wishes = project / "source/wishes"
    for number in range(7, 40):
        (wishes / f"{number}-x.yaml").write_text("number: [")
    assert messages(project) == ["source/wishes: 39 wish files; at most 9"]


WISH = "source/wishes/1-strategisk-retning.yaml"
BULLET = '    - "At du er skarp på kerneopgaven, så det er tydeligt, hvilket formål vi som ledere styrer efter."'


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("number: 1", 'number: !!int "0x10"', f"{WISH}:1: 'number' must be a whole number, not '0x10'"),
    ("number: 1", 'number: !!int "1_000"', f"{WISH}:1: 'number' must be a whole number, not '1_000'"),
    (BULLET, '    - "At du \\ud800 er skarp."', f"{WISH}:7: 'implies item' holds a lone surrogate (U+D800), which is no "
     "character"),
    (BULLET, '    - "\\u200b\\u2060\\u00ad"', f"{WISH}:7: 'implies item' holds only invisible characters"),
    (BULLET, '    - "At du ' + "x" * 300 + '."', f"{WISH}:7: 'implies item' holds 301 characters with nowhere to "
     "break the line ('" + "x" * 28 + "…); at most 40: add a space, a hyphen or a soft hyphen (U+00AD)"),
])
def test_careless_text_is_named_at_its_line(project: Path, old: str, new: str, expected: str):
    wish = project / WISH
    assert old in wish.read_text()
    wish.write_text(wish.read_text().replace(old, new, 1))
    (found,) = messages(project)
    assert found.startswith(expected), found


def test_no_break_spaces_are_kept_and_other_white_space_folded(project: Path):
    wish = project / WISH
    wish.write_text(wish.read_text().replace(BULLET, '    - "Kl.\\u00a010   er\\u202fskarp\\t nu."', 1))
    assert check(project).wishes[0].letter.implies[1] == "Kl.\u00a010 er\u202fskarp nu."


def test_a_colour_given_twice_is_named_at_both_lines(project: Path):
    palette = project / "source/editions/eksempel-kommune/edition.yaml"
    palette.write_text(palette.read_text().replace("  cover: [85, 20, 80, 35]\n",
                                                   "  cover: [85, 20, 80, 35]\n  cover: [!!float \"abc\", 1, 1, 1]\n"))
    from booklet.build import prepare

    with pytest.raises(BookletError) as caught:
        prepare(project, edition="eksempel-kommune")
    assert [str(p) for p in caught.value.problems] == [
        "source/editions/eksempel-kommune/edition.yaml:8: duplicate key 'cover' (also at line 7)"]


@pytest.mark.parametrize("what", ["source/foreword.yaml", "--root"])
def test_a_loop_of_links_is_one_clear_line(project: Path, tmp_path: Path, what: str):
    from click.testing import CliRunner

    from booklet.cli import main

    if what == "--root":
        root = tmp_path / "loop"
        root.symlink_to(root)
    else:
        root = project
        (project / what).unlink()
        (project / what).symlink_to(project / what)
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    assert result.exit_code == 1 and "loop of symbolic links" in result.output, result.output
    assert "internal error" not in result.output and result.output.count("\n") == 1


def test_the_hyphenation_list_is_validated_with_its_lines(tmp_path):
    """Every bad entry of source/hyphenation.yaml at once, with its file and line."""
    import shutil

    from click.testing import CliRunner

    from booklet.cli import main

    root = tmp_path / "p"
    for name in ("source", "layouts", "fonts"):
        shutil.copytree(ROOT / name, root / name, symlinks=True)
    (root / "source" / "hyphenation.yaml").write_text(
        "breaks:\n  - kerne-opgave\n  - k-erne\n  - kerneopgave\nnever:\n  - Væksthus\n  - 42\n")
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any("hyphenation.yaml:4:" in line and "must match" in line for line in lines), lines
    assert any("hyphenation.yaml:7:" in line and "must be text" in line for line in lines), lines
    (root / "source" / "hyphenation.yaml").write_text(
        "breaks:\n  - kerne-opgave\n  - k-erneopgaver\n  - kerne-opgave\n")
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 2, lines
    assert "hyphenation.yaml:3:" in lines[0] and "at least 2 letters" in lines[0], lines
    assert "hyphenation.yaml:4:" in lines[1] and "listed twice (also on line 2)" in lines[1], lines
