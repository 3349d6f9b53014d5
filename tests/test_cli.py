"""The command line, in process: exit codes and messages, no tracebacks."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from booklet import __version__
from booklet.cli import main


def test_version_and_help():
    runner = CliRunner()
    assert __version__ in runner.invoke(main, ["--version"]).output
    for args in (["--help"], ["build", "--help"], ["check", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_check_ok(project: Path):
    result = CliRunner().invoke(main, ["--root", str(project), "check"])
    assert result.exit_code == 0
    assert result.output.startswith("ok: 6 wishes")


def test_check_error_is_one_line_per_problem_exit_1(project: Path):
    path = project / "source/booklet.yaml"
    path.write_text(path.read_text().replace("year: 2016", "year: soon").replace("language:", "lang:"))
    result = CliRunner().invoke(main, ["--root", str(project), "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "source/booklet.yaml:1: missing 'language' in the file: Language code of the text (BCP 47), e.g. da.",
        "source/booklet.yaml:3: unknown key 'lang' (expected one of: title, subtitle, language, publisher, "
        "year, website, back_cover, colophon, labels)",
        "source/booklet.yaml:5: 'year' must be a whole number, not text ('soon')",
    ]


def test_crop_marks_are_for_print_only(project: Path):
    for command in (["build"], ["editions"], ["handout", "1", "--layout", "a5"]):
        result = CliRunner().invoke(main, ["--root", str(project), *command, "--variant", "screen", "--marks", "crop"])
        assert result.exit_code == 1, command
        assert "crop marks are for a print shop: use --variant print, or --marks none" in result.output
        assert not (project / "dist").exists()  # refused before anything was laid out or written
    result = CliRunner().invoke(main, ["--root", str(project), "build", "--marks", "bleed"])
    assert result.exit_code == 2 and "'crop', 'none'" in result.output


def test_not_a_project(tmp_path: Path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1
    assert "not a booklet project" in result.output


def test_unexpected_errors_are_one_line_without_verbose(project: Path, monkeypatch):
    import booklet.build

    def boom(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(booklet.build, "prepare", boom)  # the CLI imports it when a command runs
    quiet = CliRunner().invoke(main, ["--root", str(project), "check"])
    assert quiet.exit_code == 1 and "internal error" in quiet.output and "Traceback" not in quiet.output
    loud = CliRunner().invoke(main, ["--root", str(project), "--verbose", "check"])
    assert isinstance(loud.exception, RuntimeError)


def test_control_characters_are_never_echoed_raw(project: Path):
    """A file name or value holding ESC, BEL or NUL is shown escaped, not sent to the terminal."""
    (project / "source/wishes/7-\x1b[2J\x07.yaml").write_text('number: "\\0\\e"\n')
    result = CliRunner().invoke(main, ["--root", str(project), "check"])
    assert result.exit_code == 1
    assert not set(result.output) & {"\x1b", "\x07", "\x00"}
    assert "source/wishes/7-\\x1b[2J\\x07.yaml:1: 'number' must be a whole number, not text ('\\x00\\x1b')" \
        in result.output


def test_an_unwritable_output_is_one_line_and_nothing_is_written(project: Path):
    (project / "dist").mkdir()
    (project / "dist/file").write_text("")
    result = CliRunner().invoke(main, ["--root", str(project), "build", "-o", str(project / "dist/file/x.pdf")])
    assert result.exit_code == 1
    assert result.output == f"booklet: {project / 'dist/file/x.pdf'}: cannot be written: Not a directory\n"
    assert [p.name for p in (project / "dist").iterdir()] == ["file"]
