"""Danish line breaking, set by the project and not by a renderer's chance.

One policy for every output: compose inserts soft hyphens (U+00AD) where this module allows a
word to break, and the PDF, the web page and the e-book break words only there (their CSS has
``hyphens: manual``), so every reader breaks the same words at the same places. Unused soft
hyphens are invisible, in print and when text is copied or read aloud.

- no word under ``MIN_WORD`` letters is hyphenated; at least ``LEFT`` letters before a break
  and ``RIGHT`` after it (Pyphen's Danish patterns give the candidates);
- the exceptions list (``source/hyphenation.yaml``) gives a word's only breaks
  (``kerne-opgave``: compounds at their joint; an entry covers its inflected forms too) and
  the words and names never broken; a capitalised word is a name here, never broken either;
- never inside an f-ligature (see LIGATURES); a suspended compound's hyphen is tied to the
  next word («personale- og»);
- a number is tied to the word after it (its unit: «100 pct.», «25 ledere») by a no-break
  space; nothing in an address (a dot, slash or @ inside the word) is touched.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen

MIN_WORD = 6  # letters: a shorter word is never hyphenated
LEFT = 2  # letters before a break, at least
RIGHT = 3  # letters after a break, at least
INFLECTION = 4  # letters an exception's word may grow by and still be that word (-erne, -ens)
SOFT_HYPHEN = "\u00ad"
NO_BREAK = "\u00a0"

LETTERS = re.compile(r"[^\W\d_]+")
ADDRESS = re.compile(r"\w[./@:]\w")  # lederweb.dk, a@b.dk: never broken
NUMBER_UNIT = re.compile(r"(?<=\d) (?=[^\W\d_])")  # «100 pct.», «25 ledere»
# A suspended compound («personale- og faglige», «med- og modspil»): tied, since a line ending
# in its hyphen reads as a word broken there. A no-break space alone does not hold after a
# hyphen (Unicode's line breaking allows a break before it there): a word joiner does.
SUSPENDED = re.compile(r"(?<=[^\W\d_]-) (?=[^\W\d_])")
WORD_JOINER = "\u2060"
# A double name («Schultz-Jakobsen») or an abbreviation («FTF-K») is a name: never broken,
# not even at its own hyphen.
NAME_HYPHEN = re.compile(r"\b([A-ZÆØÅ][^\W\d_]*-)(?=[A-ZÆØÅ])")
# The fonts' f-ligatures (Booklet Serif italic has all of these, Booklet Sans ff, fi, ft): an
# unused soft hyphen inside one makes WeasyPrint 70 drop letters from the PDF's text layer
# («af\u00adklare» reads «a lare»), so no word breaks between these letters.
LIGATURES = {"f" + c for c in "fiklbhjt"}


@dataclass(frozen=True)
class Exceptions:
    """The project's exceptions: words with their only breaks, and words never broken."""

    breaks: dict[str, tuple[int, ...]] = field(default_factory=dict)  # lower-case word -> offsets
    never: frozenset[str] = frozenset()  # lower-case words (each word of a name)

    @classmethod
    def parse(cls, breaks: Iterable[str] = (), never: Iterable[str] = ()) -> Exceptions:
        """From the list's notation: ``kerne-opgave`` (a break at each hyphen), ``Væksthus``."""
        found = {}
        for entry in breaks:
            parts = entry.lower().split("-")
            offsets = [sum(len(p) for p in parts[:i]) for i in range(1, len(parts))]
            found["".join(parts)] = tuple(offsets)
        words = {w.lower() for name in never for w in LETTERS.findall(name)}
        return cls(found, frozenset(words))

    def key(self) -> str:
        """The same text for the same list in every process (a set's order is not): for the
        fit cache's key."""
        return repr((sorted(self.breaks.items()), sorted(self.never)))

    def entry(self, word: str) -> tuple[int, ...] | None:
        """The allowed breaks of ``word`` (lower case) if the list has it or its stem."""
        if word in self.breaks:
            return self.breaks[word]
        for cut in range(1, INFLECTION + 1):
            stem = word[:-cut]
            if stem in self.breaks:
                return self.breaks[stem]
        return None


def bad_entry(entry: str) -> str | None:
    """What is wrong with an exceptions-list word with breaks, or None."""
    parts = entry.split("-")
    if len(parts) < 2 or not all(LETTERS.fullmatch(p) for p in parts):
        return "must be letters with a hyphen at each allowed break, e.g. kerne-opgave"
    if len(parts[0]) < LEFT or len(parts[-1]) < RIGHT:
        return f"breaks at least {LEFT} letters from the start and {RIGHT} from the end"
    if len("".join(parts)) < MIN_WORD:
        return f"a word under {MIN_WORD} letters is never hyphenated"
    return None


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="da_DK", left=LEFT, right=RIGHT)


class Hyphenator:
    """Where the words of a text may break, by the policy above."""

    def __init__(self, exceptions: Exceptions | None = None):
        self.exceptions = exceptions or Exceptions()

    def breaks(self, word: str) -> tuple[int, ...]:
        """The offsets in ``word`` (letters only) after which it may break."""
        if len(word) < MIN_WORD or word[0].isupper() or word.lower() in self.exceptions.never:
            return ()
        lower = word.lower()
        listed = self.exceptions.entry(lower)
        found = listed if listed is not None else _dictionary().positions(lower)
        return tuple(at for at in found if lower[at - 1:at + 1] not in LIGATURES)

    def allowed(self, word: str, at: int) -> bool:
        """Whether ``word`` may break after ``at`` letters (the report's check)."""
        return at in self.breaks(word)

    def text(self, text: str, keep_whole: Collection[str] = ()) -> str:
        """``text`` with soft hyphens at every allowed break (none in ``keep_whole``'s words),
        each number tied to its unit, a suspended compound to the word after it and a double
        name to its second half."""
        text = SUSPENDED.sub(WORD_JOINER + NO_BREAK, NUMBER_UNIT.sub(NO_BREAK, text))
        text = NAME_HYPHEN.sub(r"\1" + WORD_JOINER, text)
        chunks = text.split(" ")
        return " ".join(chunk if ADDRESS.search(chunk) else LETTERS.sub(
            lambda m: m[0] if m[0] in keep_whole else self.word(m[0]), chunk) for chunk in chunks)

    def word(self, word: str) -> str:
        """One word (letters only) with its soft hyphens."""
        out, last = [], 0
        for at in self.breaks(word):
            out.append(word[last:at])
            last = at
        return SOFT_HYPHEN.join([*out, word[last:]])
