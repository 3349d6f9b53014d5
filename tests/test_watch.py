"""Live authoring: a change rebuilds, a broken input is reported and watched through."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from booklet.watch import watch


def wait_for(lines: list[str], text: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(text in line for line in lines):
            return
        time.sleep(0.1)
    raise AssertionError(f"no line with {text!r} in {lines}")


def test_watch_rebuilds_reports_errors_and_keeps_the_last_good_pdf(project: Path):
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(project, "screen", None, lines.append, stop), daemon=True)
    thread.start()
    try:
        wait_for(lines, "watching")
        assert lines[0].startswith("built kaere-chef-kaere-ledere-screen.pdf (20 pages)")
        pdf = project / "dist/kaere-chef-kaere-ledere-screen.pdf"
        good = pdf.read_bytes()

        wish = project / "source/wishes/3-sparring.yaml"
        text = wish.read_text()
        wish.write_text(text.replace("number: 3", "number: three"))
        wait_for(lines, "build failed")
        assert "changed: source/wishes/3-sparring.yaml" in lines
        assert "source/wishes/3-sparring.yaml:1: 'number' must be a whole number, not text ('three')" in lines
        assert pdf.read_bytes() == good

        wish.write_text(text.replace("Min chef står til rådighed", "Min chef står altid til rådighed"))
        deadline = time.monotonic() + 300
        while sum(line.startswith("built") for line in lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sum(line.startswith("built") for line in lines) == 2, lines
        assert pdf.read_bytes() != good
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_watch_survives_what_breaks_the_build_and_rebuilds_when_mended(project: Path, monkeypatch):
    """A folder replaced by a file is a change; a failure that is not the input's (a bug of
    ours, here one raised while planning the pages) is reported and the watch goes on."""
    import shutil

    import booklet.build

    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(project, "screen", None, lines.append, stop), daemon=True)
    thread.start()
    try:
        wait_for(lines, "watching", 600)
        wishes = project / "source/wishes"
        saved = project / "wishes-saved"
        shutil.move(wishes, saved)
        wishes.write_text("not a folder")
        wait_for(lines, "build failed", 300)
        assert any(line.startswith("source/wishes") for line in lines), lines
        wishes.unlink()
        shutil.move(saved, wishes)
        deadline = time.monotonic() + 400
        while sum(line.startswith("built") for line in lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sum(line.startswith("built") for line in lines) == 2, lines

        def broken(*args):
            raise RuntimeError("a bug")

        monkeypatch.setattr(booklet.build, "plan_pages", broken)
        (project / "source/booklet.yaml").write_text((project / "source/booklet.yaml").read_text() + "\n")
        wait_for(lines, "internal error: RuntimeError('a bug')", 300)
        monkeypatch.undo()
        (project / "source/booklet.yaml").write_text((project / "source/booklet.yaml").read_text() + "\n")
        deadline = time.monotonic() + 400
        while sum(line.startswith("built") for line in lines) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sum(line.startswith("built") for line in lines) == 3, lines
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
