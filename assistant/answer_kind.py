"""Does a draft give the kind of answer its question asks for (a date for "when", a figure for "how many")?

Part of the answer check (:mod:`assistant.claims`): a draft whose sentences
are each supported but none of which gives a date to a when-question, or a
figure to a how-many question, answers something else.
"""
from __future__ import annotations

import re

from .answer_types import LEAD_IN
from .facts import claim_numbers, facts, months
from .text import terms
from .units import gives_money

_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow)\b", re.I)

# Narrower on purpose than answer_types.expected_type, which ranks sentences:
# here a miss sends a model's whole draft to the fallback, so only the
# unmistakable kinds count ("how long", "how fast" or "what speed" may be
# answered in words, and are left to the model).
_ASKS_WHEN = re.compile(LEAD_IN + r"(when|in what year|what (year|date|month|day)|by when|since when|how long ago)\b", re.I)
_ASKS_COUNT = re.compile(r"\b(how (many|much)|what (percentage|percent|share|price|number|amount|figure)|"
                         r"what does .{1,40}\bcost|^\s*what(?:'s| is| was| are| were)\b.{0,30}\b(price|cost|percentage|population))\b", re.I)
_YEAR = re.compile(r"\b(1\d{3}|20\d\d)s?\b|\b\d{1,2}(st|nd|rd|th)[\s-]+(century|centuries|millennium)\b|"
                   r"\b(centur(y|ies)|decades?|era|dynasty|ancient|medieval|prehistoric)\b", re.I)
# A question about what something costs is answered by an amount of money,
# whatever words the sentence uses ("The SU7 starts at RMB 215,900").
_ASKS_MONEY = re.compile(r"\b(cost|costs|price|prices|priced|pay|paid|fee|fees|fare|fares)\b", re.I)
# A rough quantity answers a how-many question too ("thousands of tourists").
_ROUGH_COUNT = re.compile(r"\b(dozens|hundreds|thousands|millions|billions|several|few|many|most|majority|none)\b", re.I)


def missing_answer_type(question: str, sentences: list[str]) -> str | None:
    """What kind of answer the question asks for that no sentence gives ("date", "number"), or None.

    Only the unmistakable kinds: a when-question needs a date or a year, a
    how-many/how-much question a figure, in a sentence about the question
    (sharing one of its content words), so a figure from an unrelated line
    does not count. Anything else is left to the model.
    """
    # About the question = sharing a word of what it asks ("starting price"), not just its subject ("Xiaomi").
    qf = facts(question)
    named = {r for n in (*qf.names, qf.opener) for r in roots(n)}
    qroots = set(roots(question)) - named or set(roots(question))
    about = [s for s in sentences if qroots & set(roots(s))] or (sentences if len(sentences) == 1 else [])
    text = " ".join(about)
    if _ASKS_WHEN.search(question) and not (months(text) or _YEAR.search(text) or _WEEKDAY.search(text)):
        return "date"
    if _ASKS_COUNT.search(question) and not (claim_numbers(text) or _ROUGH_COUNT.search(text) or _states_money(question, sentences)):
        return "number"
    return None


def _states_money(question: str, sentences: list[str]) -> bool:
    """A cost question and a sentence that gives an amount in a currency, about the question's words or not."""
    return bool(_ASKS_MONEY.search(question)) and any(map(gives_money, sentences))


def roots(text: str) -> list[str]:
    """Content terms with a trailing "e" dropped, so "decide" and "decided" meet (the stemmer keeps them apart)."""
    return [t.rstrip("e") or t for t in terms(text)]
