"""Previews: PNG spreads, written like every output (atomically, never through a link, never
into the inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from booklet.cli import main
from booklet.errors import BookletError
from booklet.preview import spreads, write_previews

from .hostile_pdfs import blank


def test_spreads_pair_pages_as_a_bound_booklet_shows_them():
    assert spreads(8) == [(None, 0), (1, 2), (3, 4), (5, 6), (7, None)]


def test_previews_are_written_beside_a_link_never_through_it(tmp_path: Path):
    pdf = tmp_path / "four.pdf"
    pdf.write_bytes(blank(4))
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder = tmp_path / "preview"
    folder.mkdir()
    (folder / "spread-01.png").symlink_to(outside)
    written = write_previews(pdf, folder, dpi=30)
    assert [p.name for p in written] == ["spread-01.png", "spread-02.png", "spread-03.png", "contact.png"]
    assert outside.read_text() == "keep me"
    assert not (folder / "spread-01.png").is_symlink() and Image.open(folder / "spread-01.png").size[0] > 0


@pytest.mark.parametrize("target", ["layouts/templates", "source", "."])
def test_previews_never_go_into_the_inputs(project: Path, target: str):
    before = sorted(p for p in project.rglob("*"))
    result = CliRunner().invoke(main, ["--root", str(project), "preview", "--output", str(project / target)])
    assert result.exit_code == 1 and "holds or lies in the build's own inputs" in result.output, result.output
    assert result.output.count("\n") == 1
    assert sorted(p for p in project.rglob("*")) == before  # refused before the build: nothing written


def test_previews_below_a_regular_file_are_one_clear_line(tmp_path: Path):
    pdf = tmp_path / "four.pdf"
    pdf.write_bytes(blank(4))
    (tmp_path / "file").write_text("")
    with pytest.raises(BookletError, match="cannot be written"):
        write_previews(pdf, tmp_path / "file" / "preview", dpi=30)
