"""The renderer loads only the project's own files and fails on WeasyPrint warnings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.bench import WITHOUT_HARFBUZZ_SUBSET
from booklet.errors import BookletError
from booklet.render import INSTALL_HARFBUZZ_SUBSET, ConfinedFetcher, render_html
from booklet.verify import pdf_fonts

from .conftest import ROOT


def test_fetcher_refuses_the_network_and_paths_outside(tmp_path: Path):
    inside = tmp_path / "layouts"
    inside.mkdir()
    (inside / "a.css").write_text("p{}")
    fetcher = ConfinedFetcher([inside])
    assert fetcher.fetch((inside / "a.css").as_uri()).read() == b"p{}"
    for url in ("https://example.org/a.css", "http://127.0.0.1/x", "data:text/css,p{}",
                (inside / ".." / "secret.txt").as_uri(), "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_a_refused_or_missing_resource_fails_the_render(tmp_path: Path):
    html = '<link rel="stylesheet" href="file:///etc/passwd"><img src="https://example.org/x.png"><p>x</p>'
    with pytest.raises(BookletError) as caught:
        render_html(html, tmp_path.as_uri() + "/", [tmp_path], "print")
    text = str(caught.value)
    assert "WeasyPrint:" in text and "/etc/passwd" in text and "example.org" in text


def test_unknown_css_fails_the_render(tmp_path: Path):
    with pytest.raises(BookletError, match="WeasyPrint: Ignored"):
        render_html("<p style='colour: red'>x</p>", tmp_path.as_uri() + "/", [tmp_path], "screen")


def test_without_harfbuzz_subset_the_build_says_so_once_with_the_fix(tmp_path: Path):
    """WeasyPrint warns once per face; the command line prints one line, and builds."""
    out = tmp_path / "h.pdf"
    run = subprocess.run([sys.executable, "-c", WITHOUT_HARFBUZZ_SUBSET, "--root", str(ROOT), "handout", "2",
                          "--output", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(pdf_fonts(PdfReader(out))) >= 3  # faces WeasyPrint subset, each with a warning
    about = [line for line in run.stderr.splitlines() if "harfbuzz" in line.lower() or "fonttools" in line.lower()]
    assert len(about) == 1 and about[0].endswith(INSTALL_HARFBUZZ_SUBSET), run.stderr
