"""The finish stage's own byte work, on real font files."""

from __future__ import annotations

import io

from fontTools.ttLib import TTFont

from booklet.finish import SFNT_EPOCH, _redated

from .conftest import ROOT


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
