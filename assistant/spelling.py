"""Read a misspelt question word as the documents spell it ("pasword" as "password").

BM25 and the term features match words exactly, so one typo cost a question
its only distinctive term: "whats the minimum pasword length" was refused on
a handbook that states it. A word is read as a typo only when it is neither
an English word (pyspellchecker's frequency list, shipped in its wheel) nor
a term of the index; it is then replaced by the index term one edit away
(a letter dropped, added, changed or two swapped) that the documents use
most. Nothing changes otherwise:

- an English word the documents lack ("dental", "uptime") is a question
  they may not answer, not a typo, so the gate still sees it;
- a capitalised word inside the question is a name, spelt as the user means;
- a short word (under five letters) has too many neighbours to guess;
- a word under seven letters is only read as an English word ("redis" is
  not "reids", a name in the documents); a longer one may become a term of
  the documents' own ("kessery" as "kessary").

The engine reads the question, and the earlier question a follow-up leans
on (session 14), this way.

On our calibration questions (session 13) this read "pasword", "recieve",
"forcast" and "availibility" as the documents spell them, and no other word
of 622 questions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Container

from .text import STOPWORDS, stem
from .vocab import word_counts

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_LETTERS = 5  # "ofice" and "lenght" are five and six letters; shorter words have too many neighbours
_WORD = re.compile(rf"(?<![\w'’-])[A-Za-z]{{{MIN_LETTERS},}}(?![\w'’-])")
MIN_LETTERS_FOR_A_CORPUS_TERM = 7  # below this, the replacement must be an English word too


@dataclass(frozen=True)
class Fix:
    """One word read another way: ``typed`` as ``read``."""

    typed: str
    read: str


def correct(question: str, idf_of: Callable[[str], float], words: Container[str] | None = None) -> tuple[str, list[Fix]]:
    """``question`` with its misspelt words replaced, and what was replaced.

    ``idf_of`` is the index's BM25 IDF of a stemmed term; a term the index
    lacks gets its largest value. ``words`` is the English word list
    (by default pyspellchecker's, :func:`assistant.vocab.word_counts`).
    """
    unseen = idf_of("\x00")

    def indexed(word: str) -> bool:
        return idf_of(stem(word)) < unseen

    fixes: list[Fix] = []

    def repl(m: re.Match) -> str:
        typed = m.group(0)
        word = typed.lower()
        if typed != word and m.start() > 0:  # a name, unless capitalised by opening the question
            return typed
        if word in STOPWORDS or indexed(word):
            return typed
        vocab = word_counts() if words is None else words
        if word in vocab:
            return typed
        near = [w for w in _edits(word) if indexed(w)]
        if len(word) < MIN_LETTERS_FOR_A_CORPUS_TERM:
            near = [w for w in near if w in vocab]
        if not near:
            return typed
        best = min(near, key=lambda w: (idf_of(stem(w)), w))  # the spelling the documents use most
        fixes.append(Fix(typed, best))
        return best if typed == word else best.capitalize()

    return _WORD.sub(repl, question), fixes


def _edits(word: str) -> set[str]:
    """Every string one edit from ``word``: a letter dropped, swapped with the next, changed or added."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS}) - {word}
