"""Figures and dates in a sentence: which of them answer a "how many", "how long" or "when".

A quantity question is answered by a figure of the kind it asks for: a
count of things is no span of time, no share and no measure ("how many
people" is not answered by "720,000 square meters"); "how long" asks for a
span of time or a length, "how quickly" for a span of time; a question that
names a unit or asks for money takes a figure in it. A time of day and a
day of the month are dates, never quantities.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .units import asked_unit, asks_money, gives_figure_in, is_unit, money_amounts, opens_with_length

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
MONTH_ABBR = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"

_YEAR = re.compile(r"\b(1[0-9]\d\d|20\d\d)s?\b")
_DATE_WORD = re.compile(rf"\b({MONTHS}|{MONTH_ABBR})\b\.?|\b\d{{1,2}}(st|nd|rd|th)? century\b", re.I)
# A time of day ("9:30", "14:10 UTC", "6 pm", "noon") answers "when" and "what
# time"; it is no quantity: "how long were logins down?" is not answered by
# the "14:10" of a timeline line (workspace calibration family, session 17).
_CLOCK = re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?[ap]\.?m\b\.?)?|\b(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?\s?[ap]\.?m\b\.?|\b(?:noon|midday|midnight)\b", re.I)
# A day of the week answers "when" too ("on Sunday evening", "every Monday").
_WEEKDAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b")
# A date a policy or a schedule gives without naming a month: "by the 20th",
# "with the next month's salary", "at the end of the quarter". Without it,
# a weekday in a nearby sentence ("on the Friday before") looked like the only
# answer to "when does it get paid out?" (handbook follow-ups, session 17).
_RELATIVE_DATE = re.compile(r"\bthe \d{1,2}(?:st|nd|rd|th)(?= of\b|\s*[,.;:)]|\s*$| and\b| or\b)|"
                            r"\b(?:next|following|previous|last|each|every|this|that) (?:day|week|month|year|quarter)(?:'s|’s)?\b|"
                            r"\b(?:end|start|beginning|first day|last day) of (?:the|each|every|that) (?:week|month|year|quarter)\b", re.I)
# A day of the month beside its month ("19 March", "March 19") is part of a date, not a count.
_DAY_OF_MONTH = re.compile(rf"^\s*(?:{MONTHS})\b|(?:{MONTHS})\s*$", re.I)
_NUMBER = re.compile(r"(?<![\w.])[$€£¥]?\d[\d,.]*(%|\s?(percent|million|billion|thousand|bn|m|k|km|kg|mph|kwh|meters|metres|miles|square)\b)?", re.I)
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# A number in words is one candidate: "forty-six", "nineteen", "two hundred".
_NUMBER_WORD = re.compile(
    rf"\b(?:(?:{_TENS_WORDS})(?:[- ](?:{_UNITS_WORDS}))?|{_UNITS_WORDS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    rf"seventeen|eighteen|nineteen|a|an)(?:[- ](?:hundred|thousand|million|billion)s?)+\b|"
    rf"\b(?:(?:{_TENS_WORDS})(?:[- ](?:{_UNITS_WORDS}))?|{_UNITS_WORDS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    rf"seventeen|eighteen|nineteen|hundreds|thousands|millions|billions|dozens?|half|double|twice)\b",
    re.I,
)


def dates_in(sentence: str) -> set[str]:
    """Years, months, centuries, times of day, weekdays and dates relative to a month ("by the 20th") in ``sentence``."""
    return {m.group(0) for pat in (_YEAR, _DATE_WORD, _CLOCK, _WEEKDAY, _RELATIVE_DATE) for m in pat.finditer(sentence)}


def quantities_in(sentence: str, question: str) -> set[str]:
    """Figures in ``sentence`` of the kind the quantity ``question`` asks for (the question's own may be among them)."""
    unit = asked_unit(question)
    if unit and not gives_figure_in(sentence, unit):  # "how many kilometres": a figure in no unit or another is no answer
        return set()
    if not unit and asks_money(question):  # "How much did they pay?": an amount of money, in any currency
        return set(money_amounts(sentence))
    # A sentence-final "2024." is the year 2024, not a quantity: the number pattern takes the full stop along.
    counts = counts_things(question) and not unit  # "how many kilometres" asks for a measure, not a count
    clocks = [m.span() for m in _CLOCK.finditer(sentence)]
    span = _span_asked(question)
    found = {m.group(0).strip().rstrip(".,") for m in _NUMBER.finditer(sentence)
             if not _is_bare_year(m.group(0).strip().rstrip(".,"), sentence, m.start())
             and not _is_date_part(sentence, m.start(), m.end(), clocks)
             and not (counts and (_is_duration(sentence, m.end()) or _is_measure(sentence, m)))
             and _measures(sentence, m, span)}
    found |= {m.group(0) for m in _NUMBER_WORD.finditer(sentence)
              if not (counts and (_is_duration(sentence, m.end()) or m.group(0).lower() in _NO_COUNT or _is_measure(sentence, m)))
              and _measures(sentence, m, span)}
    return found


# "how many cows", "how many employees": a count of things, which a span of
# time ("for forty years", "a 30-day trial", "three times a day") does not
# give. "How many years ...", "how many times ..." ask for just that.
_DURATION = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century|nights?|times)"
_COUNTED = re.compile(r"\bhow many ([a-z][\w-]*)", re.I)
_DURATION_AFTER = re.compile(rf"^(?:[- ]|\s+(?:more|fewer|full|whole|long|straight|consecutive|further|other|working|business|calendar|school)\s+)?{_DURATION}\b", re.I)


# "more than half the time", "twice a day", "double the size": a share or a
# multiple, as "three times" is, and no count of things.
_NO_COUNT = frozenset({"half", "twice", "double"})


@lru_cache(maxsize=1024)  # asked once per candidate sentence of a question
def counts_things(question: str) -> bool:
    """Whether a "how many" question counts things rather than spans of time ("how many cows", not "how many years")."""
    m = _COUNTED.search(question or "")
    return bool(m) and not re.fullmatch(_DURATION, m.group(1), re.I)


def _is_duration(sentence: str, end: int) -> bool:
    """Whether the figure ending at ``end`` measures time ("forty years", "30-day", "three times")."""
    return bool(_DURATION_AFTER.match(sentence[end:].lstrip("*_")))  # "**six** months": markdown between figure and unit


# "How long ...?" asks for a span of time or a length: "47 minutes", "six
# months", "6,650 km". A bare count or a share ("2,100 failed logins",
# "above 50%") does not answer it (workspace calibration family, session 17).
# "How quickly ...?", "how soon ...?" ask for a span of time only: "from 0 to
# 100 km/h in 2.78 seconds", not "100,000 units" (news calibration family).
_HOW_LONG = re.compile(r"\bhow long\b(?! ago\b)", re.I)
_HOW_QUICKLY = re.compile(r"\bhow (?:quickly|soon)\b", re.I)
TIME, TIME_OR_LENGTH = "time", "time or length"


def _span_asked(question: str) -> str | None:
    """Whether a quantity question asks for a span of time (TIME), of time or length (TIME_OR_LENGTH), or neither."""
    if _HOW_QUICKLY.search(question or ""):
        return TIME
    return TIME_OR_LENGTH if _HOW_LONG.search(question or "") else None


def _measures(sentence: str, m: re.Match, span: str | None) -> bool:
    """Whether the figure ``m`` is of the span asked: time, or time or length (a unit of either follows it, or is part of it)."""
    if span is None:
        return True
    if _is_duration(sentence, m.end()):
        return True
    if span == TIME:
        return False
    own = re.sub(r"^[$€£¥]?[\d,.]+", "", m.group(0))  # the unit the number pattern took along: "42 km", "6650km"
    return opens_with_length((own + sentence[m.end():]).lstrip(" *_"))


# A figure with a unit of measure or a share ("720,000 square meters", "50%")
# measures something; it does not count the people or things a "how many" asks for.
_SCALE = re.compile(r"(?:million|billion|thousand|bn|m|k)$", re.I)


def _is_measure(sentence: str, m: re.Match) -> bool:
    """Whether the figure ``m`` carries a unit of measure or a percentage, its own or the word after it."""
    own = re.sub(r"^[$€£¥]?[\d,.]+\s?", "", m.group(0).strip())
    if own and not _SCALE.fullmatch(own) and not _NUMBER_WORD.fullmatch(m.group(0).strip()):
        return True  # "50%", "42 km", "720,000 square" (the number pattern took the unit along)
    if m.group(0).strip()[:1] in "$€£¥":
        return True
    nxt = re.match(r"\s*([\w/%²]+)", sentence[m.end():])
    return bool(nxt) and (is_unit(nxt.group(1)) or nxt.group(1).lower() in ("square", "per", "percent", "cubic"))


def _is_date_part(sentence: str, start: int, end: int, clocks: list[tuple[int, int]]) -> bool:
    """A figure inside a time of day ("14:10") or a day of the month ("19 March", "March 19"): a date, not a quantity."""
    if any(a <= start < b for a, b in clocks):
        return True
    return bool(re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", sentence[start:end].strip())) and bool(
        _DAY_OF_MONTH.match(sentence[end : end + 12]) or _DAY_OF_MONTH.search(sentence[max(0, start - 12) : start]))


def _is_bare_year(token: str, sentence: str, at: int) -> bool:
    """A year ("in 2025", "March 2021") is a date, not the quantity a "how many" asks for."""
    return bool(_YEAR.fullmatch(token.strip())) and sentence[max(0, at - 1) : at] not in ("$", "€", "£")
