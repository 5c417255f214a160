"""The checkable facts of a sentence: numbers, dates, names, quotes and negation.

These are what a model invents when it drifts from its sources, so the answer
check (:mod:`assistant.claims`) requires each of them to be in a cited
passage, however it is written: ``120,000`` = ``120000`` = ``120 thousand``,
``$10 billion`` = ``10bn``, ``15%`` = ``15 percent``, ``March 28`` = ``28th March``.
Everything here is a pure function of text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .text import STOPWORDS

_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mio": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "lakh": 1e5, "crore": 1e7,
}
# Number words a model may use for a figure written in digits (or back).
# "one" is left out: it is a pronoun far more often than a figure.
_WORDS = {w: float(i) for i, w in enumerate(
    "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if w != "_"}
_WORDS.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0, "eighty": 80.0,
               "ninety": 90.0, "dozen": 12.0, "twice": 2.0, "half": 0.5})
_NUM = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?:st|nd|rd|th|s)\b)?"  # 28th, 1990s
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|lakh|crore|mn|bn|tn|mio|k|m|b)\b)?",
    re.I,
)
_WORD_NUM = re.compile(r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b"
                       r"(?:[\s-](hundred|thousand|million|billion|trillion)\b)?", re.I)
MONTHS = {m[:3]: m for m in "january february march april may june july august september october november december".split()}
# Full month names, or a short form followed by a dot or a day/year ("Jun 5", "Sept. 2024"): "Lei Jun" is no month.
_MONTH = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november|december"
                    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)(?=\.|\s+\d))\b", re.I)
_QUOTED = re.compile(r"[\"“”]([^\"“”\n]{3,80})[\"“”]")
_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without|cannot|n't)\b|n't\b", re.I)
_WORDCHARS = re.compile(r"[A-Za-z][\w&'’.-]*[\w]|[A-Za-z]")
# Capitalised words that open or join sentences but name nothing.
_NOT_NAMES = frozenset(
    """however overall additionally also moreover furthermore meanwhile instead therefore thus yes no
    according in on at for with as by from to of after before during while since although though because
    if when where why how what which who whom whose this that these those it its they their there here
    the a an and or but so both each every some most many several all any another other such
    first second third finally firstly secondly lastly next then later today currently recently
    note notably unlike like despite including i we you he she his her our my me us them""".split()
)
_MONTH_WORDS = frozenset(MONTHS.values()) | {"may", "june", "july"}
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def fold(text: str) -> str:
    """Unicode-normalised text with plain quotes, dashes and spaces."""
    t = unicodedata.normalize("NFKC", text or "")
    return t.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                      "\u2013": "-", "\u2014": "-", "\u00a0": " "}))


def _value(num: str, scale: str | None) -> float:
    v = float(num.replace(",", ""))
    if scale:
        s = scale.lower()
        # A lone "m"/"b" after a number is a scale ("10m", "$3b"); as a word it would be a unit (metres).
        v *= _SCALES[s]
    return v


def _scale(t: str, m: re.Match) -> str | None:
    scale = m.group("scale")
    # "10m" and "$3b" are scales; "10 m" is ten metres.
    if scale and scale.lower() in ("m", "b", "k") and t[m.end("num") : m.end("num") + 1].isspace():
        return None
    return scale


def _key(v: float) -> float:
    # 1.2 million and 1,200,000 meet; float noise from the multiply does not split them.
    return float(f"{v:.6g}")


def numbers(text: str) -> set[float]:
    """Every figure in ``text`` as a value: digits with separators, scales, number words.

    A figure with a scale also yields its bare number ("10 billion" gives
    10e9 and 10), since a passage may write the scale in a column header or
    the sentence before.
    """
    t = fold(text)
    out: set[float] = set()
    for m in _NUM.finditer(t):
        num, scale = m.group("num"), m.group("scale")
        scale = _scale(t, m)
        out.add(_key(_value(num, scale)))
        if scale:
            out.add(_key(float(num.replace(",", ""))))
    for m in _WORD_NUM.finditer(t):
        v = _WORDS[m.group(1).lower()]
        out.add(_key(v * (_SCALES[m.group(2).lower()] if m.group(2) else 1.0)))
    return out


def claim_numbers(text: str) -> set[float]:
    """The figures a claim states: like :func:`numbers`, but a scaled figure counts once, at its value."""
    t = fold(text)
    out: set[float] = set()
    for m in _NUM.finditer(t):
        out.add(_key(_value(m.group("num"), _scale(t, m))))
    for m in _WORD_NUM.finditer(t):
        if m.group(1).lower() in ("half", "twice"):  # "half of the buyers" is rarely a figure to check
            continue
        v = _WORDS[m.group(1).lower()]
        out.add(_key(v * (_SCALES[m.group(2).lower()] if m.group(2) else 1.0)))
    return out


def months(text: str) -> set[str]:
    """Month names in ``text``, spelled out ("Sept." -> "september"). "may" counts only capitalised."""
    out = set()
    for m in _MONTH.finditer(fold(text)):
        word = m.group(1)
        if word.lower() == "may" and not word[0].isupper():
            continue  # the verb
        out.add(MONTHS[word[:3].lower()])
    return out


def quotes(text: str) -> list[str]:
    """Strings the sentence puts in double quotes."""
    return [m.group(1).strip() for m in _QUOTED.finditer(fold(text)) if m.group(1).strip()]


# Negation words that contrast rather than deny: "not only", "not 200,000 as reported".
_NOT_A_DENIAL = re.compile(r"\b(not|no)\s+(only|just|merely|least|longer than|fewer than|less than|more than)\b|"
                           r"\b(not|no)\s+(?=[\d$€£¥])", re.I)


def negated(text: str) -> bool:
    """Whether the sentence denies something ("not", "never", "no", "n't", ...)."""
    return bool(_NEGATION.search(_NOT_A_DENIAL.sub(" ", fold(text))))


@dataclass(frozen=True)
class Facts:
    """What a sentence states that a model could have made up."""

    numbers: frozenset[float]
    months: frozenset[str]
    names: tuple[str, ...]
    quotes: tuple[str, ...]
    opener: str = ""  # a lone capitalised first word: a name, or an ordinary word opening the sentence

    def __bool__(self) -> bool:
        return bool(self.numbers or self.months or self.names or self.quotes)


def facts(sentence: str) -> Facts:
    """The numbers, months, names and quoted strings of one sentence."""
    found, opener = _names(sentence)
    return Facts(frozenset(claim_numbers(sentence)), frozenset(months(sentence)), tuple(found), tuple(quotes(sentence)), opener)


def names(sentence: str) -> list[str]:
    """Proper names in a sentence: capitalised words and codes ("SU7", "iPhone"), joined into runs.

    The sentence's first word counts only when it cannot be an ordinary word
    opening a sentence: a code, an acronym, or the start of a run of
    capitalised words ("Lei Jun said"). A lone capitalised opener is
    :attr:`Facts.opener`; the answer check decides about it with the passages.
    """
    return _names(sentence)[0]


def _names(sentence: str) -> tuple[list[str], str]:
    t = fold(sentence)
    words = [(m.group(0), m.start()) for m in _WORDCHARS.finditer(t)]
    out: list[str] = []
    run: list[str] = []
    lone = ""

    def close() -> None:
        if run:
            out.append(" ".join(run))
            run.clear()

    for i, (w, start) in enumerate(words):
        core = w[:-2] if w.endswith(("'s", "’s")) else w.rstrip("'’")
        low = core.lower()
        is_code = any(ch.isdigit() for ch in core) and any(ch.isalpha() for ch in core)
        capital = core[:1].isupper() or is_code or (len(core) > 1 and any(ch.isupper() for ch in core[1:]))
        opener = i == 0 or t[:start].rstrip().endswith((".", "!", "?", ":", "\"", "(", "-", "*", "#"))
        if not capital or low in _MONTH_WORDS or low in _WEEKDAYS:
            close()
            continue
        if low in STOPWORDS or low in _NOT_NAMES:
            if opener or not run:
                close()
                continue
            # "Bank of China": a lower-case joiner inside a run would not be capitalised; a capitalised one ends it.
            close()
            continue
        if opener and not is_code and not core.isupper():
            nxt = words[i + 1][0] if i + 1 < len(words) else ""
            if not (nxt[:1].isupper() and nxt.lower() not in STOPWORDS | _NOT_NAMES):
                # A lone capitalised opener ("Customers can ...") is usually an ordinary word.
                close()
                if i == 0:
                    lone = core
                continue
        if run and i > 0:
            prev_end = words[i - 1][1] + len(words[i - 1][0])
            if t[prev_end:start].strip(" -"):  # "Mobile World Congress (MWC)": the bracket ends the run
                close()
        run.append(core)
    close()
    return out, lone


def name_found(name: str, context_lower: str) -> bool:
    """Whether every word of ``name`` occurs, case-insensitively, as a word of the context.

    An acronym also counts as found when the context spells it out: "EV" in
    "electric vehicle", "R&D" in "research and development".
    """
    for word in name.split():
        if re.search(r"(?<![\w])" + re.escape(word.lower()) + r"(?![\w])", context_lower):
            continue
        if not (_ACRONYM.fullmatch(word) and _spelled_out(word, context_lower)):
            return False
    return True


_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,5}s?")
_JOINERS = frozenset({"and", "of", "&", "for", "the"})


def _spelled_out(acronym: str, context_lower: str) -> bool:
    letters = [c.lower() for c in acronym.rstrip("s") if c.isalpha()]
    words = [w for w in re.findall(r"[a-z0-9&]+", context_lower)]
    for i in range(len(words)):
        j, k = i, 0
        while j < len(words) and k < len(letters):
            if words[j] in _JOINERS and k > 0:
                j += 1
                continue
            if not words[j].startswith(letters[k]):
                break
            j, k = j + 1, k + 1
        if k == len(letters):
            return True
    return False


def quote_found(quoted: str, context: str) -> bool:
    """Whether a quoted string occurs in the context (case, quotes and spacing folded)."""
    norm = lambda s: " ".join(re.sub(r"[^\w\s]", " ", fold(s).lower()).split())  # noqa: E731
    return norm(quoted) in norm(context)


_PROSE_NAME = re.compile(r"(?<=[a-z0-9,;] )([A-Z][a-zA-Z0-9-]+)")


def proper_names(texts) -> frozenset[str]:
    """Lower-cased words that ``texts`` write capitalised in the middle of a sentence: their proper names."""
    out: set[str] = set()
    for t in texts:
        out.update(m.group(1).lower() for m in _PROSE_NAME.finditer(fold(t)))
    return frozenset(out)
