"""Every limit on what booklet reads, declared once (README: «Limits, and what booklet will
never read»). Each is far above what a real booklet needs and far below what would make a
build hang or run out of memory; crossing one is a clear error naming the file, never a hang.
"""

from __future__ import annotations

MB = 1024 * 1024

YAML_FILE_BYTES = 1 * MB
"""A content file (source/*.yaml, a wish, an edition.yaml): the whole booklet's text is 60 KB."""

YAML_NODES = 20_000
"""Values (texts, numbers, lists, mappings) a YAML file may hold once its aliases are
expanded, counted while composing: a few KB of nested aliases cannot expand into billions.
The largest file, introduction.yaml, holds 150."""

YAML_CHARS = 100_000
"""Characters of text a YAML file may hold once its aliases are expanded (the largest file
holds 8,000): a 1 MB string aliased 2,000 times is refused, not typeset."""

YAML_DEPTH = 40
"""Nesting depth of a YAML file's mappings and lists (the schema's deepest is 6)."""

TEXT_CHARS = 3_000
"""Characters in one text field (a paragraph, bullet or quote); the longest printed one has 700."""

WORD_CHARS = 40
"""Characters in a row with nowhere to break a line (no space, hyphen, soft hyphen, slash or
dash): the booklet's longest word has 25 (Forhandlingsfællesskabet.). A longer token (a URL,
a pasted code) would run out of its column in print and on screen; it is named at its line."""

LIST_ITEMS = 100
"""Items in one list (bullets, paragraphs, blocks, members); a page holds at most about 20."""

SLUG_CHARS = 60
"""Characters in a slug (a wish's or an edition's): it becomes a file name."""

LOGO_FILE_BYTES = 5 * MB
"""A logo file (SVG, PNG, JPEG)."""

LOGO_PIXELS = 16_000_000
"""Pixels in a raster logo (4,000 × 4,000); 30 mm at 300 dpi needs 354 px across."""

LOGO_ASPECT = (0.1, 1.0)
"""A logo's height against its width: at its printed 30 mm from 3 mm (a line of type) to
30 mm (a square); beyond, it is lost or it overruns the cover's text. The examples: 1/3."""

SVG_ELEMENTS = 20_000
"""Elements an SVG logo draws once each <use> is expanded into what it refers to: a 2 KB
SVG of nested <use> elements would otherwise draw billions of shapes."""

SVG_DEPTH = 100
"""Nesting depth of an SVG logo's elements."""

SVG_COLOURS = 5_000
"""Colour values in an SVG logo: each one is converted to CMYK for print."""

ICC_FILE_BYTES = 16 * MB
"""An output-intent profile (--icc); FOGRA39's is 1 MB."""

ASSET_FILE_BYTES = 32 * MB
"""Any other file of an edition: a font, its licence."""

PDF_FILE_BYTES = 200 * MB
"""A PDF given to ``booklet preflight`` or ``booklet impose``: the booklet's is 2 MB, and 20
A5 pages of 300 dpi CMYK images stay under 100 MB."""

PDF_DECODED_BYTES = 128 * MB
"""Bytes of page content a PDF reader (preflight, impose) decodes, every stream counted each
time a page lists it: the booklet's 20 pages decode to 0.4 MB. An 80 KB file that lists
one 70 MB stream 300 times is refused here, not read for minutes into gigabytes."""

PDF_TOKENS = 2_000_000
"""Numbers, names, strings and operators of page content a PDF reader parses (each stream
once): the booklet's hold 23,000. Five million ``q`` in 10 KB are refused before parsing."""

PDF_OPERATORS = 500_000
"""Content operators preflight interprets in one PDF, a form's counted each time it is drawn
(it is decoded and parsed once): the booklet draws 6,700. Forms nested ten deep that each
draw the next four times (a million draws from 4 KB) are refused here."""

PDF_FORM_DEPTH = 30
"""Forms (and tiling patterns) drawn inside each other that preflight follows."""

STALE_TEMP_SECONDS = 60
"""A temporary file of an atomic write older than this, whose writer holds no lock on it any
more, was left by a killed build and is removed by the next write of the same file."""
