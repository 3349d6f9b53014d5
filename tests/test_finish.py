"""The finish stage: atomic writes, never over what is not a regular file, no temporary file
left behind for good; and its own byte work on real font files."""

from __future__ import annotations

import fcntl
import io
import os
import time
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from booklet import limits
from booklet.errors import BookletError
from booklet.files import check_targets, remove_stale_temporaries, write_atomic, write_atomic_all, write_cache
from booklet.finish import SFNT_EPOCH, _redated

from .conftest import ROOT


def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path: Path):
    fifo = tmp_path / "x.pdf"
    os.mkfifo(fifo)
    for target in (Path("/dev/null"), fifo, tmp_path):
        with pytest.raises(BookletError, match="exists and is not a regular file .*: refused as an output"):
            write_atomic(b"data", target)
    assert Path("/dev/null").is_char_device() and fifo.is_fifo()


def test_the_same_file_named_twice_is_refused(tmp_path: Path):
    with pytest.raises(BookletError, match="named for two outputs"):
        check_targets([tmp_path / "a.pdf", tmp_path / "." / "a.pdf"])


def test_a_failed_second_write_replaces_neither(tmp_path: Path):
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(b"old")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(BookletError, match="file/x.html: cannot be written: Not a directory"):
        write_atomic_all([(b"new", pdf), (b"<html>", tmp_path / "file" / "x.html")])
    assert pdf.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["booklet.pdf", "file"]


def test_both_are_written(tmp_path: Path):
    write_atomic_all([(b"pdf", tmp_path / "a.pdf"), (b"html", tmp_path / "a.html")])
    assert (tmp_path / "a.pdf").read_bytes() == b"pdf" and (tmp_path / "a.html").read_bytes() == b"html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf"]


def test_a_killed_builds_temporary_file_is_removed_a_live_ones_is_not(tmp_path: Path):
    target = tmp_path / "booklet.pdf"
    old = time.time() - limits.STALE_TEMP_SECONDS - 1
    abandoned = tmp_path / ".booklet.pdf.k1ll3d.tmp"  # its writer died: nobody holds its lock
    abandoned.write_bytes(b"half")
    os.utime(abandoned, (old, old))
    live = tmp_path / ".booklet.pdf.l1v3.tmp"  # a concurrent writer, slow, holding its lock
    live.write_bytes(b"half")
    os.utime(live, (old, old))
    young = tmp_path / ".booklet.pdf.y0ung.tmp"  # created an instant ago, lock not yet taken
    young.write_bytes(b"")
    other = tmp_path / ".other.pdf.k1ll3d.tmp"  # another output's: not this write's business
    other.write_bytes(b"")
    os.utime(other, (old, old))
    with open(live, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        write_atomic(b"new", target)
        assert live.exists()
    assert not abandoned.exists() and young.exists() and other.exists()
    assert target.read_bytes() == b"new"
    assert remove_stale_temporaries(target) == [live]  # once its writer let go


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path):
    """Where a cache file cannot go (its folder is a file, say), the build goes on without it;
    an output in the same place is refused."""
    (tmp_path / "dist").write_bytes(b"")
    write_cache(b"cached", tmp_path / "dist" / ".cache" / "fit.json")
    with pytest.raises(BookletError, match="cannot be written"):
        write_atomic(b"output", tmp_path / "dist" / "booklet.pdf")


def test_a_redated_font_changes_only_its_date_and_checksums():
    original = (ROOT / "fonts/BookletSans-Regular.ttf").read_bytes()
    redated = _redated(original, (SFNT_EPOCH + 1_000_000_000).to_bytes(8, "big"))
    font = TTFont(io.BytesIO(redated), checkChecksums=2, recalcTimestamp=False)  # table checksums hold
    assert font["head"].modified == SFNT_EPOCH + 1_000_000_000
    assert font["head"].created == TTFont(io.BytesIO(original))["head"].created
    saved = io.BytesIO()
    font.save(saved, reorderTables=False)  # fontTools recomputes every checksum: the same bytes
    assert saved.getvalue() == redated
    assert len(redated) == len(original) and sum(a != b for a, b in zip(original, redated, strict=True)) <= 16
    undated = _redated(original, None)  # no document date: the font's own creation date
    assert TTFont(io.BytesIO(undated))["head"].modified == font["head"].created
