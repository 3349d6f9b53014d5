"""The renderer loads only the project's own files and fails on WeasyPrint warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.errors import BookletError
from booklet.render import ConfinedFetcher, render_html


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
