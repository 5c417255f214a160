"""Where sentences end inside one line of text.

A full stop is not always a sentence end, and a sentence end is not always
followed by a space:

- "Mr. Olberg", "St. Paul", "e.g. the", "No. 5", "John F. Kennedy": the stop
  ends an abbreviation or an initial, and the sentence goes on;
- "3. Enter a name, choose the scopes ...": the stop ends a list number;
- "...was born in Southampton.Canadian pacifist Robert ...": text scraped
  from web pages often loses the break between two paragraphs, and the next
  sentence starts right after the stop.

Quoting half a sentence ("Paul, and in June we opened the bakery.") or two
paragraphs glued as one is what these rules prevent. Every split keeps the
characters: the pieces of a line concatenate back to it exactly.
"""
from __future__ import annotations

import re

# A stop (plus closing quotes and brackets) followed by spaces: a sentence end, unless an exception below holds.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t]+")
_NEXT_WORD = re.compile(r"\S*")
# A stop after a lower-case word, right before a capitalised word, with no space: two sentences glued.
_GLUED = re.compile(r"(?<=[a-z0-9][a-z][.!?])[\"”’)]*(?=[A-Z][a-z])")

# Abbreviations that never end a sentence: titles before a name, and Latin
# "for example"-style words. Titles are English ones; the list is short on
# purpose (each wrong entry would glue two real sentences).
NEVER_FINAL = frozenset(
    "mr mrs ms dr prof st mt ft gen col lt sgt capt cmdr adm rev fr sr jr hon gov sen rep pres messrs mme mlle "
    "e.g i.e cf vs viz approx".split()
)
# Abbreviations that end no sentence when a number follows: "No. 5", "Vol. 2", "pp. 12", "c. 1200".
BEFORE_NUMBER = frozenset("no nos vol vols pp p fig figs ch sec art ca c op".split())


def split_sentences(line: str) -> list[str]:
    """Split one line into sentence pieces whose concatenation is the line."""
    cuts = sorted({m.end() for m in _SENT_END.finditer(line) if not _abbreviation(line, m.start(), m.end())}
                  | {m.end() for m in _GLUED.finditer(line) if _glued(line, m.start(), m.end())})
    pieces, pos = [], 0
    for cut in cuts:
        if pos < cut < len(line):
            pieces.append(line[pos:cut])
            pos = cut
    if pos < len(line):
        pieces.append(line[pos:])
    return pieces


def _abbreviation(line: str, stop_end: int, next_at: int) -> bool:
    """Whether the stop just before ``stop_end`` ends an abbreviation or an initial, not the sentence."""
    stop = stop_end - 1  # the lookbehind ends right after the stop; closing quotes come after it
    if line[stop] != "." or next_at >= len(line):
        return False
    nxt = line[next_at]
    word = _word_before(line, stop, lambda ch: ch.isalnum() or ch in "._")  # "Mr", "e.g", "U.S"
    low = word.lower()
    if word.isdigit() and len(word) <= 3 and not line[: stop - len(word)].rsplit("\n", 1)[-1].strip():  # a numbered list item: "3. Enter a name ..."
        return True
    if nxt.islower():  # a sentence starts with a capital, a figure or a symbol: "approx. five", "Jr. was"
        return True
    if low in NEVER_FINAL:
        return True
    if nxt.isdigit() and low in BEFORE_NUMBER:
        return True
    # An initial inside a name: "John F. Kennedy", "M. Larson" (one capital letter, a name after it).
    return len(word) == 1 and word.isupper() and nxt.isupper()


def _word_before(line: str, stop: int, part) -> str:
    """The run of characters that ``part`` accepts ending right before index ``stop``."""
    i = stop
    while i > 0 and part(line[i - 1]):
        i -= 1
    return line[i:stop]


def _glued(line: str, stop_end: int, cut: int) -> bool:
    """Whether two sentences are glued here, not a name in code ("pathlib.Path") or a file name."""
    stop = stop_end - 1
    before = _word_before(line, stop, lambda ch: not ch.isspace()).lstrip("\"“'‘([")
    after = _NEXT_WORD.match(line, cut).group(0)
    if line.count("`", 0, stop) % 2:  # inside inline code
        return False
    # Plain words on both sides: "Southampton.Canadian", "1930s.The", not "os.path.Join" or "Foo.Bar()".
    return before.isalnum() and re.fullmatch(r"[A-Z][a-z]+[,;:]?", after) is not None
