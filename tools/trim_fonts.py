"""Derive fonts/Booklet*.ttf from the registry originals: `make fonts` (needs npm).

Source Sans 3 and Source Serif 4 as published on npm (@expo-google-fonts, the complete
Google Fonts TTFs) are cut down to the characters the booklet supports and renamed:

- kept: Basic Latin, Latin-1 Supplement, Latin Extended-A, the Romanian comma-below letters,
  the spacing accents, General Punctuation, the euro sign and a few symbols, with the
  OpenType features a shaper applies unasked (fontTools' default set: kerning, ligatures,
  contextual alternates, mark positioning, localised forms, fractions), pruned to those
  characters. Outlines, hinting, advance widths and vertical metrics are the originals', so
  text lays out exactly as in the full fonts. Features a stylesheet must ask for (small
  caps, stylistic sets, old-style or tabular figures) are left out, as the layouts use none:
  add a tag to FEATURES and rerun to keep one;
- renamed: the family is «Booklet Sans» / «Booklet Serif» inside the font (name IDs 1, 3, 4,
  6, 16, 25 and the variation names), because a trimmed font is a Modified Version under the
  SIL OFL 1.1 and may not carry the Reserved Font Name «Source». Copyright, trademark and
  licence records are kept as they are.

Less to read makes the fontTools subsetter (WeasyPrint's fallback without HarfBuzz-Subset)
fast: it decodes a face's whole GSUB and GPOS for every face a PDF uses (the full Google
Fonts faces carry Cyrillic, Greek and Vietnamese kerning).
The output is the same on every run: nothing is stamped with the clock.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "fonts"
VERSION = "0.4.1"
PACKAGES = {"Sans": "@expo-google-fonts/source-sans-3", "Serif": "@expo-google-fonts/source-serif-4"}
# fonts/ file -> (package, file inside it)
FACES = {
    "BookletSans-Regular.ttf": ("Sans", "400Regular/SourceSans3_400Regular.ttf"),
    "BookletSans-Italic.ttf": ("Sans", "400Regular_Italic/SourceSans3_400Regular_Italic.ttf"),
    "BookletSans-SemiBold.ttf": ("Sans", "600SemiBold/SourceSans3_600SemiBold.ttf"),
    "BookletSans-Bold.ttf": ("Sans", "700Bold/SourceSans3_700Bold.ttf"),
    "BookletSans-BoldItalic.ttf": ("Sans", "700Bold_Italic/SourceSans3_700Bold_Italic.ttf"),
    "BookletSerif-Italic.ttf": ("Serif", "400Regular_Italic/SourceSerif4_400Regular_Italic.ttf"),
    "BookletSerif-SemiBoldItalic.ttf": ("Serif", "600SemiBold_Italic/SourceSerif4_600SemiBold_Italic.ttf"),
}
UNICODES = [
    *range(0x20, 0x7F),  # Basic Latin
    *range(0xA0, 0x100),  # Latin-1 Supplement
    *range(0x100, 0x180),  # Latin Extended-A
    *range(0x218, 0x21C),  # Ș ș Ț ț (Romanian)
    *range(0x2C6, 0x2DE),  # spacing accents (ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝)
    *range(0x2000, 0x2070),  # General Punctuation (WeasyPrint hyphenates with U+2010)
    0x20AC, 0x2122, 0x2212,  # € ™ −
]
FEATURES = subset.Options().layout_features
RENAME = {"Source Sans 3": "Booklet Sans", "SourceSans3": "BookletSans",
          "Source Serif 4": "Booklet Serif", "SourceSerif4": "BookletSerif"}
KEEP_AS_IS = {0, 7, 13, 14}  # copyright, trademark, licence and its URL
NOTE = "Modified Version of {original} by Adobe (SIL OFL 1.1): trimmed to Latin and renamed for booklet"


def fetch(package: str, folder: Path) -> Path:
    """`npm pack` the package and unpack it; returns its folder."""
    subprocess.run(["npm", "pack", "--silent", f"{package}@{VERSION}"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    archive = folder / f"{package.lstrip('@').replace('/', '-')}-{VERSION}.tgz"  # npm's naming
    target = folder / archive.stem
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def trim(original: Path, target: Path) -> None:
    font = TTFont(original, recalcTimestamp=False)
    options = subset.Options(layout_features=FEATURES, name_IDs=["*"], name_languages=["*"],
                             notdef_outline=True, recalc_timestamp=False, recalc_bounds=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    family = font["name"].getDebugName(16) or font["name"].getDebugName(1)
    for record in font["name"].names:
        if record.nameID not in KEEP_AS_IS:
            text = record.toUnicode()
            for old, new in RENAME.items():
                text = text.replace(old, new)
            record.string = text
    font["name"].setName(NOTE.format(original=family), 10, 3, 1, 0x409)
    font.save(target)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        packages = {name: fetch(package, Path(tmp)) for name, package in PACKAGES.items()}
        for name, (package, path) in FACES.items():
            trim(packages[package] / path, FONTS / name)
            print(f"fonts/{name} from {PACKAGES[package]}@{VERSION} {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
