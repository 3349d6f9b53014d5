"""An independent reader of a PDF's lines: poppler's ``pdftotext -layout``, not our layout code.

It finds a hyphenated tail ending a paragraph as a proof-reader would on the page: in a
column, a line that holds one word only, after a line that ends in a hyphen.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .conftest import missing_tool

HYPHENS = ("\u2010", "-", "\u00ad")
SEGMENT = re.compile(r"\S+(?: \S+)*")  # text between runs of two or more spaces: one column's line
SAME_COLUMN = 3  # characters a column's lines may start apart (bullets hang)


def pdftotext(pdf: Path) -> list[str]:
    """The text of each page, laid out in columns by poppler."""
    if shutil.which("pdftotext") is None:
        missing_tool("pdftotext", "apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")


def hyphenated_tails(pdf: Path) -> list[str]:
    """Every one-word line that follows, in its column, a line ending in a hyphen."""
    found = []
    for number, page in enumerate(pdftotext(pdf), start=1):
        last: dict[int, str] = {}  # column start -> its last line
        for line in page.splitlines():
            for match in SEGMENT.finditer(line):
                start, text = match.start(), match.group()
                column = next((c for c in last if abs(c - start) <= SAME_COLUMN), start)
                before = last.pop(column, "")
                if before.endswith(HYPHENS) and " " not in text and not text.endswith(HYPHENS) \
                        and re.search(r"\w", text):
                    found.append(f"page {number}: «{before[-30:]} / {text}»")
                last[start] = text
    return found
