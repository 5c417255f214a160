"""Units of measure: the unit a question asks its figure in, and whether a text gives a figure in it.

"How many kilometres can it drive?", "What is the capacity in kWh?", "How
much does it cost in euros?": a figure in another unit, or no figure, does
not answer these, whatever else the passage says about the subject. Units
are grouped in families (kilometres and miles both measure a distance), so
a text that gives miles still answers "how many kilometres"; currencies are
their own families, since a price in yuan is not the price in euros.
"""
from __future__ import annotations

import re
from functools import lru_cache

_FAMILIES = {
    "distance": r"km|kms|kilomet(?:er|re)s?|met(?:er|re)s?|cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?|miles?|mi|feet|foot|ft|"
                r"inch(?:es)?|yards?",
    "speed": r"km/h|kph|mph|kilomet(?:er|re)s? (?:per|an) hour|miles (?:per|an) hour",
    "energy": r"kwh|kilowatt[- ]hours?",
    "power": r"hp|bhp|horsepower|kw|kilowatts?",
    "torque": r"nm|newton[- ]met(?:er|re)s?|lb[- ]?ft",
    "mass": r"kg|kilograms?|tonnes?|tons?|lbs?",
    "data": r"kb|mb|gb|tb|kilobytes?|megabytes?|gigabytes?|terabytes?",
    "area": r"square (?:met(?:er|re)s?|kilomet(?:er|re)s?|feet|miles)|sq\.? ?(?:m|ft|km)|m2|m²|km2|km²|acres?|hectares?",
    "percent": r"%|percent|per cent|percentage points?",
    "euro": r"€|eur|euros?",
    "dollar": r"\$|usd|dollars?",
    "yuan": r"¥|rmb|yuan|cny",
    "pound": r"£|gbp|pounds? sterling",
}
_ANY = "|".join(f"(?P<{name}>{pat})" for name, pat in _FAMILIES.items())
# Where a question names the unit of the figure it asks for.
_ASKED = [
    re.compile(rf"\bhow (?:many|much) (?:{_ANY})(?![\w/])", re.I),
    re.compile(rf"\b(?:in|into|as) (?:{_ANY})\s*[?.!]*\s*$", re.I),
    re.compile(r"\b(?P<percent>what percentage|what percent|what share in percent)\b", re.I),
]
_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
          "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand")
# A figure in digits ("42", "1,980", "3.5 million") or in words ("six", "thirty-two", "ten thousand").
_NUM = (rf"(?:\d[\d,.]*|(?<![\w-])(?:{_WORDS})(?:[- ](?:{_WORDS}))*)"
        r"(?:\s?(?:thousand|million|billion|bn|m|k)\b)?")


# Per family: a number then the unit ("42 km", "15%"), and the unit then a number ("RMB 215,900", "$10").
_FIGURE = {name: (re.compile(rf"{_NUM}\s?(?:{pat})(?![\w])", re.I), re.compile(rf"(?<![\w])(?:{pat})\s?{_NUM}", re.I))
           for name, pat in _FAMILIES.items()}


_UNIT_WORD = re.compile(rf"(?:{_ANY})", re.I)


_LENGTH_FIRST = re.compile(rf"^[- ]?(?:{_FAMILIES['distance']})(?![\w/])", re.I)


def opens_with_length(text: str) -> bool:
    """Whether ``text`` starts with a unit of length ("km from the coast", "-metre"), not of speed ("km/h")."""
    return bool(_LENGTH_FIRST.match(text))


def is_unit(word: str) -> bool:
    """Whether ``word`` is a unit of measure or a currency ("USD", "kWh", "RMB", "km")."""
    return bool(_UNIT_WORD.fullmatch(word.strip()))


@lru_cache(maxsize=1024)  # asked once per candidate sentence of a question
def asked_unit(question: str) -> str | None:
    """The unit family a question asks its figure in ("distance", "euro", ...), or None."""
    for pat in _ASKED:
        m = pat.search(question or "")
        if m:
            return next((name for name, v in m.groupdict().items() if v), None)
    return None


# A question about what something costs, pays or earns asks for an amount of
# money even when it names no currency: "How much did the author pay for the
# schoolhouse?" is not answered by "empty for thirty years". Narrow on
# purpose: "how much" with a money verb, "what is the price/rent/fee" (or
# the revenue, profit, valuation: "What was its total revenue in 2023?" is
# not answered by "100,000 units"), or
# "what did/would ... cost/earn/charge/sell for" ("What did she earn in her
# first year?"); "What is the memory cost of each item?" asks for bytes.
_ASKS_MONEY = re.compile(
    r"\bhow much\b(?:(?!\bhow\b).)*?\b(cost|costs|costing|pay|pays|paid|charge|charges|charged|spend|spent|earn|earns|earned|"
    r"rent|sell for|sold for|sells for|fee|fees|price|priced|money|revenue|income|profit|salary|wages?|funding)\b|"
    r"\bwhat (?:did|does|do|would|will|could|might|should) (?:(?!\b(?:what|how)\b)[\w'’-]+ ){1,8}?"
    r"(?:cost|costs|earn|earns|earned|charge|charges|sell for|sold for|fetch|pay for|pay in|paid for|pay (?:her|him|them|me|you|us))\b|"
    r"\bwhat(?:'s|’s| is| was| are| were)? (?:the |its |their |our |his |her |my )?(?:[\w-]+(?:'s|’s)? ){0,2}?"
    r"(?:starting |monthly |annual |yearly |weekly |hourly |entry-level |sticker |retail |list |asking |purchase )?"
    r"(price|rent|fee|salary|wage|fare|revenue|turnover|income|profit|earnings|valuation|funding)\b",
    re.I,
)
# Any currency, for an amount of money in any of them ("8,500 kroner", "1.2 million thalers", "a dollar fifty").
_CURRENCY = (r"[$€£¥₹₩₽₺₪฿]|\b(?:usd|eur|gbp|cny|rmb|jpy|chf|sek|nok|dkk|inr|aud|cad|hkd|sgd|nzd|krw|brl|mxn|zar)\b|"
             r"\b(?:dollars?|euros?|pounds? sterling|yuan|renminbi|yen|rupees?|francs?|marks?|kronor|kroner|krona|krone|crowns?|"
             r"pesos?|roubles?|rubles?|lira|lire|rand|shillings?|pence|cents?|guilders?|florins?|ducats?|thalers?|reais|zloty|"
             r"forint|baht|ringgit|dinars?|dirhams?|riyals?|bucks)\b")  # not "won" ("won 3 titles") or bare "pounds" (a weight)
_MONEY = re.compile(rf"{_NUM}\s?(?:{_CURRENCY})|(?:{_CURRENCY})\s?{_NUM}", re.I)


@lru_cache(maxsize=1024)  # asked once per candidate sentence of a question, like asked_unit
def asks_money(question: str) -> bool:
    """Whether a question asks what something costs, pays or earns ("How much did they pay for it?")."""
    return bool(_ASKS_MONEY.search(question or ""))


def money_amounts(text: str) -> list[str]:
    """The amounts of money ``text`` states, in any currency ("$495", "8,500 kroner", "RMB 215,900")."""
    return [m.group(0).strip() for m in _MONEY.finditer(text)]


def gives_money(text: str) -> bool:
    """Whether ``text`` states an amount in any currency ("RMB 215,900", "$10 billion", "40 euros")."""
    return _MONEY.search(text) is not None


def gives_figure_in(text: str, family: str) -> bool:
    """Whether ``text`` states a number in the unit family (``42 km``, ``RMB 215,900``, ``$10 billion``, ``15%``)."""
    after, before = _FIGURE[family]
    return bool(after.search(text) or before.search(text))
