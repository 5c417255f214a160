"""What kind of answer a question asks for, and whether a sentence holds one.

Cheap, corpus-independent patterns: a date for "when", a quantity for "how
many/much", a person for "who", a place for "where". A candidate counts only
when the question does not already contain it, so a sentence that merely
restates the question's own year or name does not look like an answer.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .text import terms
from .figures import MONTH_ABBR, MONTHS, dates_in, quantities_in
from .units import asks_money, is_unit

DATE, QUANTITY, PERSON, PLACE, ORGANISATION = "date", "quantity", "person", "place", "organisation"

_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# A follow-up often opens with a word that joins it to the last turn ("and
# when ...?", "ok so who ...?", "but where ...?"): the question word comes after it.
LEAD_IN = r"^\s*(?:(?:and|so|but|ok|okay|oh|then|also|well|or)\b[\s,]*)*"
_Q_DATE = re.compile(LEAD_IN + r"(when|by when|since when|until when)\b|\bwhat (years?|dates?|months?|day|time|decades?|century)\b|"
                     r"\b(in|by|since|before|after|until|from) which (years?|months?|decades?|century)\b|\bhow long ago\b", re.I)
_Q_QUANTITY = re.compile(
    r"\bhow (many|much|long|far|big|large|fast|quickly|soon|old|tall|high|heavy|often|wide|deep)\b|"
    r"\bwhat(?:'s|’s|s| is| was| are| were)? (?:the |its |their )?(?:[\w-]+(?:'s|’s)? ){0,2}(percentage|share|price|cost|sum|number|amount|figure|size|population|speed|capacity|range|weight|area|length|rate|total|horsepower|torque|mileage|revenue|sales|profit|income|budget|valuation|"
    r"temperature|height|elevation|altitude|depth|distance|duration)\b",
    re.I,
)
_Q_PERSON = re.compile(LEAD_IN + r"(who|whom|whose)\b|\b(which|what) (person|people|man|men|woman|women|ceos?|founders?|authors?|leaders?|presidents?|kings?|"
                       r"queens?|artists?|singers?|players?)\b|\bby whom\b", re.I)
# "Which company bought Larkspur?", "Which band brought the music back?": a
# named body, as any capitalised name in the sentence that the question lacks.
_Q_ORGANISATION = re.compile(r"\b(which|what) (company|companies|firm|firms|organi[sz]ations?|business|brand|brands|band|club|"
                             r"team|agency|bank|carmakers?|automakers?|manufacturers?|publisher|newspaper|university|label|airline)\b", re.I)
_Q_PLACE = re.compile(LEAD_IN + r"where\b|\b(which|what|in which|in what) (city|cities|country|countries|regions?|towns?|states?|places?|continents?|provinces?|"
                      r"locations?|areas?|districts?)\b", re.I)

_CAP = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9](?:\s+(?:of|de|da|van|von|the)?\s*[A-Z][\w'’-]*)*")
# Capitalised words that are no names: sentence openers and calendar words.
_NOT_NAMES = {"the", "a", "an", "in", "on", "at", "by", "for", "from", "it", "its", "this", "these", "that", "those", "he",
              "she", "they", "we", "i", "you", "his", "her", "their", "our", "as", "after", "before", "during", "while",
              "with", "however", "although", "also", "but", "and", "or", "if", "when", "since", "today", "yes", "no"}
_CODE = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{2,}\b")  # model codes: SU7, YU7, H100


def expected_type(question: str) -> str | None:
    """The answer type a question asks for: date, quantity, person, place, organisation, or None."""
    q = question or ""
    if _Q_DATE.search(q):
        return DATE
    if _Q_QUANTITY.search(q) or asks_money(q):  # "What did she earn ...?" asks for an amount, like "how much"
        return QUANTITY
    if _Q_PERSON.search(q):
        return PERSON
    if _Q_PLACE.search(q):
        return PLACE
    if _Q_ORGANISATION.search(q):
        return ORGANISATION
    return None


def _names(text: str) -> set[str]:
    """Capitalised word groups that are not a sentence opener or calendar word."""
    out = set()
    for m in _CAP.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words)
        low = name.lower()
        if not name or low in _DAYS or re.fullmatch(rf"({MONTHS}|{MONTH_ABBR})", low):
            continue
        at_start = m.start() == 0 or text[: m.start()].rstrip()[-1:] in (".", "!", "?", ":", "\"", "“", "-", "")
        if at_start and len(words) == 1 and low in _COMMON_OPENERS:
            continue
        out.add(name)
    return out


# Frequent sentence openers that are capitalised only by position.
_COMMON_OPENERS = {"what", "which", "who", "where", "how", "why", "there", "here", "one", "some", "many", "most",
                   "all", "each", "every", "other", "such", "then", "now", "so", "not", "only", "both", "another",
                   "several", "moreover", "furthermore", "additionally", "meanwhile", "instead", "despite", "because"}


def _fresh(candidates: set[str], question: str) -> set[str]:
    """Candidates whose words are not all in the question."""
    qt = set(terms(question))
    return {c for c in candidates if set(terms(c)) - qt}


def candidates(sentence: str, qtype: str | None, question: str) -> set[str]:
    """Answers of type ``qtype`` in ``sentence`` that the question does not already state."""
    if qtype == DATE:
        found = dates_in(sentence)
    elif qtype == QUANTITY:
        found = quantities_in(sentence, question)
    elif qtype == PERSON:
        found = {p for n in _names(sentence) for p in _persons(n)}
    elif qtype in (PLACE, ORGANISATION):
        found = _names(sentence)
    else:
        return set()
    return _fresh(found, question)


def surnames_named(sentence: str, context: str, question: str) -> set[str]:
    """People the sentence names by surname alone ("Hammar later became ..."), known by full name from ``context``.

    A "who" answer in running text often gives only the surname once the
    person has been introduced ("the botanist Lotte Hammar ... Hammar later
    became the first woman to lecture ..."); the full name elsewhere in the
    passage says the single word is a person, not a place or a firm.
    """
    words = set(re.findall(r"[A-Z][\w'’-]*", sentence))
    return _fresh(_surnames(context) & words, question)


@lru_cache(maxsize=256)  # one passage, asked once per sentence of it
def _surnames(context: str) -> frozenset[str]:
    # Line by line: "Tomasz Nowak" at a line's end and "Timekeeper: Aiko" on the next are no "Nowak Timekeeper".
    return frozenset(n.split()[-1] for line in context.split("\n") for group in _names(line) for n in _persons(group))


def _persons(name: str) -> set[str]:
    """The parts of a name group that may be a person's: two or more title-case words ("Lei Jun").

    "Xiaomi’s CEO Lei Jun" gives "Lei Jun". One capitalised word, a code or an
    all-capitals acronym ("Tesla", "BYD", "SU7") is far more often a company,
    product or place; taking them for people made "Who is the CEO of Tesla?"
    look answered by a list of carmakers.
    """
    runs, run = [], []
    for w in name.split():
        if w.lower() in ("of", "de", "da", "van", "von") and run:
            run.append(w)
            continue
        if not w[:1].isupper() or w.isupper() or any(ch.isdigit() for ch in w) or re.search(r"['’]s$", w):
            runs.append(run)
            run = []
            continue
        run.append(w)
    runs.append(run)
    return {" ".join(r) for r in runs if sum(w[:1].isupper() for w in r) >= 2 and not _names_no_one(r)}


# The last word of a firm's, a street's or a place's name ("Larkspur Systems",
# "Washington Avenue", "United States", "Brackenhall Works"), or the first word
# of a place's ("Mount Tessel", "Port Meridan"): two title-case words that are
# no person. They were taken for the co-founder a "who" question asked for
# (essay calibration family, session 17).
_NOT_A_PERSON_LAST = frozenset(
    "inc ltd llc plc gmbh corp corporation company co group systems technologies technology labs bank holdings partners "
    "associates foundation institute university college school academy hospital church cathedral museum library council "
    "committee association society club agency department ministry office services solutions industries motors airlines "
    "kitchens works studio studios press media network networks software games foods store stores shop market "
    "street avenue road lane way square boulevard drive court bridge park river lake mountains island islands bay valley "
    "range hills states kingdom republic union city county province region district house hall tower building station "
    "airport hub yard centre center gardens coast ocean sea".split())
_NOT_A_PERSON_FIRST = frozenset("mount lake cape port fort university bank".split())


def _names_no_one(words: list[str]) -> bool:
    """Whether a title-case run names a firm, street or place rather than a person."""
    return words[-1].lower().strip(".") in _NOT_A_PERSON_LAST or words[0].lower().strip(".") in _NOT_A_PERSON_FIRST


_LIST_Q = re.compile(r"\b(list|name (the|all|some)|what (are|were)\b|steps|ways|features|options|types|kinds|examples)", re.I)
_WHICH_PLURAL = re.compile(r"\b(which|what) (?:\w+ ){0,2}?(\w+s)\b", re.I)
# Words ending in "s" that are no plural nouns ("What year was ...", "Which version is ...").
_NOT_PLURAL = frozenset("was is has does this its his us yes thus always perhaps less news business process access address "
                        "analysis status bus gas plus series species across whereas unless various previous".split())


def asks_for_list(question: str) -> bool:
    """A question whose answer is several items ("Which competitors…", "What are the steps…")."""
    if _LIST_Q.search(question):
        return True
    m = _WHICH_PLURAL.search(question)
    return bool(m) and m.group(2).lower() not in _NOT_PLURAL and not m.group(2).lower().endswith("ss")


def has_items(text: str) -> bool:
    """An enumeration: "A, B and C", or a bulleted line.

    Not a numbered line: "2. Scroll to the Invoices section." is a step of a
    procedure, not an item of what a "which ..." question asks for.
    """
    return text.count(",") >= 2 or bool(re.match(r"^\s*[-*•+]\s+\S", text))


_IDENT = re.compile(r"\b[A-Za-z]\w*(?:[_.]\w+)+\b")  # code names: load_dotenv, encodings.idna
# Version numbers: "2.4.0", "v3.1", "version 3.10" (a bare "3.5" is a figure, not a name).
_VERSION = re.compile(r"\bv\d+(?:\.\d+)+\b|\b\d+\.\d+\.\d+\b|(?<=\b(?:version|release) )\d+(?:\.\d+)+\b", re.I)


# "..., according to the article about its premium strategy": which document to look in, not what is asked.
_SELECTOR = re.compile(r",?\s*\b(according to|in|from|across) (the|this|that|all|both) ((?:[\w'’]+ ){0,4})(articles?|documents?|reports?|pages?|posts?|pieces?|guides?|files?)\b"
                       r"(\s+(about|on|that|which|where|covering)\b[^,?]*)?", re.I)


def core_question(question: str) -> str:
    """The question without a clause that only picks the document ("according to the article about X")."""
    core = _SELECTOR.sub("", question).strip()
    return core if terms(core) else question


def fold(text: str) -> str:
    """Lower case without accents, so "Beyonce" finds "Beyoncé" and "Frederic" finds "Frédéric"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))


def focus_entities(question: str) -> set[str]:
    """Names, model codes and identifiers the question is about ("BYD", "SU7", "load_dotenv"), folded (:func:`fold`)."""
    out = {m.group(0).lower() for pat in (_CODE, _IDENT, _VERSION) for m in pat.finditer(question)}
    for m in re.finditer(r"(?<![\w-])[A-Z][\w-]*[A-Za-z0-9]", question):  # a capital inside a word ("kWh") starts no name
        if m.start() == 0 or question[: m.start()].rstrip()[-1:] in (".", "?", "!", ":", "\"", "“"):
            continue  # capitalised by position only
        word = re.sub(r"['’]s$", "", m.group(0)).lower()
        if word not in _NOT_NAMES and word not in _COMMON_OPENERS and word not in _DAYS and word not in _COMMON_ACRONYMS \
                and not is_unit(word):  # "in USD", "how many kWh": the figure's unit, not what is asked about
            out.add(word)
    return {fold(e) for e in out} - _COMMON_ACRONYMS


# Capitals that name a kind of thing, not a particular one: "Who is the CEO of
# Tesla?" is about Tesla, and asks for its CEO.
_COMMON_ACRONYMS = frozenset("ceo ceos cfo cto coo vp ev evs suv suvs ai api apis pdf faq url csv ipo gdp hq tv pc os ui ux".split())


def versions_named(question: str) -> set[str]:
    """The version numbers a question names ("2.4.0", "v3.1"), lower-cased."""
    return {m.group(0).lower() for m in _VERSION.finditer(question)}


def without_focus(question: str) -> str:
    """The question with the names it is about taken out: what it asks, not whom about.

    "What is the top speed of the YU7?" -> "What is the top speed of the ?":
    closeness to this says whether a sentence states the asked property,
    not merely that it mentions the YU7.
    """
    focus = focus_entities(question)
    if not focus:
        return question
    def drop(m: re.Match) -> str:
        return "" if fold(re.sub(r"['’]s$", "", m.group(0)).lower()) in focus else m.group(0)
    return re.sub(r"\s+", " ", re.sub(r"[\w'’-]+(?:\.\w+)*", drop, question)).strip()
