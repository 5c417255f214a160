"""Small text utilities shared by BM25, the answer check and the extractive answerer."""
from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    tell please also according many much one ones get got""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_NUM_SEP = re.compile(r"(?<=\d)[,](?=\d{3})")


def normalize_numbers(text: str) -> str:
    """'120,000' -> '120000', so numbers match however they are written."""
    return _NUM_SEP.sub("", text)


_VOWELS = frozenset("aeiou")
_UNDOUBLE = frozenset("bdgkmnprt")  # "committed" -> "commit", "planning" -> "plan"; not "ll", "ss", "zz"


@lru_cache(maxsize=1 << 16)  # a corpus's vocabulary repeats: BM25 and the answer check stem the same words again and again
def stem(word: str) -> str:
    """A deliberately light stemmer: plurals and common verb endings, to one form.

    "mine", "mines", "mined" and "mining" all give "min"; "commit" and
    "committed" give "commit"; "include" and "including" give "includ".
    Irregular forms ("grew", "sold") are left alone: mapping them to their
    base form is in docs/extractive-answers.md, "Tried and not kept".
    """
    if word.isdigit() or len(word) <= 3:
        return word
    if short := _short_root(word):
        return short
    for suf, rep in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            if suf == "s" and word.endswith(("ss", "us", "is")):
                return word
            word = word[: -len(suf)] + rep
            if suf in ("ing", "ed") and word[-1] == word[-2] and word[-1] in _UNDOUBLE:
                word = word[:-1]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 and not word.endswith(("ee", "ye")) else word


def _short_root(word: str) -> str | None:
    """The three-letter root of "used", "using", "died", "dying", "aged", or None.

    The general rule keeps a root of three letters or more, so a two-letter
    remainder is left whole, and "use" / "used" / "using" were three terms.
    A remainder with a vowel, not ending in "e", takes back its "e": "us" →
    "use", "di" → "die", "ag" → "age"; "dy" of "dying" → "die". Without a
    vowel ("thing", "bring", "shed") or ending in "e" ("need", "seed") the
    word is not one of these.
    """
    for suf in ("ing", "ed"):
        if word.endswith(suf) and len(word) - len(suf) == 2:
            rest = word[:2]
            if rest[1] == "y" and rest[0] not in _VOWELS and suf == "ing":
                return rest[0] + "ie"  # dying, lying, tying
            if any(c in _VOWELS for c in rest) and rest[1] != "e":
                return rest + "e"
    return None


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens, numbers without thousands separators."""
    return [t.rstrip(".,") for t in _TOKEN.findall(normalize_numbers(text.lower()))]


def terms(text: str) -> list[str]:
    """Content terms: tokens without stopwords, lightly stemmed."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


def numbers(text: str) -> set[str]:
    """Every number written in ``text``, normalised."""
    return {t for t in tokens(text) if any(ch.isdigit() for ch in t)}
