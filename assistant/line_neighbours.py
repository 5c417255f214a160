"""What an answer's lead brings from its own line: the sentences beside it that it cannot do without.

A lead is chosen as one sentence, but some sentences only make sense with a
neighbour on their line (a paragraph, in most text files):

- "Rumors suggest a two-phase plan." needs the phases after it;
- a bare "A: Yes." needs the sentence that says how;
- "See LICENSE." needs the "MIT." that opens its line;
- "He abolished the salt tax." needs the sentence that names him;
- a lead inside an FAQ answer starts at that answer's first sentence when
  the FAQ's question is the one asked.
"""
from __future__ import annotations

import re

from .answer_types import PERSON, expected_type
from .boilerplate import is_boilerplate, is_question_shaped
from .scope import question_line
from .support import ScoredSpan
from .text import terms

# A sentence opening like this leans on the one before it (the old extractive answer's rule, kept).
_LEANS = re.compile(r"^(these|this|they|it|its|such|the (first|second|third|next|latter|former))\b", re.I)
MAX_LEANING = 2  # "The first phase ... The second phase ...": two is the common "two-part" shape
# A lead that announces parts ("a two-phase plan", "three steps"), like one
# that ends in a colon, brings the sentences that give them. Any other lead
# stands alone: on the 219 answerable questions of our five calibration
# families, bringing every "It ...", "This ..." sentence after the lead
# added a key fact twice and a sentence holding none 27 times; without it,
# answers whose every sentence holds a key fact rose from 0.779 to 0.892,
# and answers holding every fact went from 0.616 to 0.612.
_ANNOUNCES = re.compile(r"\b(two|three|four|five|2|3|4|5)[- ](phases?|parts?|steps?|stages?|ways?|reasons?|things?|options?)\b", re.I)
# A lead this short ("A: Yes.", "No.") answers a yes/no question and stops
# there: the sentence after it on its line says how or why.
BARE_WORDS = 2
_ANSWER_LABEL = re.compile(r"^\s*(a|answer)\s*[:.]\s*", re.I)
_YES_NO = re.compile(r"^(yes|no|yep|nope|sure|correct|right|not yet|not really|of course)\b", re.I)
# When the question a line answers (an FAQ's "Q: ...?", an interviewer's
# turn) is the one asked, the answer starts at that line's first sentence:
# "A: Email privacy@... from the address on the account." before "Deletion
# completes within 30 days.", however close the second reads to "delete".
ASKED_SHARE = 0.5  # the document's question says at least half the asked question's words
_PRONOUN = re.compile(r"^(he|she|they|his|her|their|him|them)\b", re.I)


def _line(lead: ScoredSpan, ordered: list[ScoredSpan]) -> tuple[list[ScoredSpan], list[ScoredSpan]]:
    """The sentences before and after ``lead`` on its line, in reading order."""
    same = sorted((o for o in ordered if o.span.chunk.source == lead.span.chunk.source
                   and o.span.start_line == lead.span.start_line), key=lambda o: o.span.start_char)
    at = lead.span.start_char
    return [o for o in same if o.span.start_char < at], [o for o in same if o.span.start_char > at]


def _bare(s: ScoredSpan) -> bool:
    return len(_ANSWER_LABEL.sub("", s.span.text).split()) <= BARE_WORDS


def _first(sentence: ScoredSpan, chosen: list[ScoredSpan]) -> list[ScoredSpan]:
    """``sentence`` as the lead, the rest of the answer after it (once)."""
    return [sentence] + [c for c in chosen if c is not sentence]


def with_leaning(chosen: list[ScoredSpan], ordered: list[ScoredSpan]) -> list[ScoredSpan]:
    """A lead that announces parts, or a bare "Yes.", brings the sentences right after it that lean on it.

    "Rumors suggest a two-phase plan. The first phase ... The second phase
    ...": quoting the lead alone names the plan and drops its content.
    """
    lead = chosen[0]
    bare = _bare(lead)
    if not (_ANNOUNCES.search(lead.span.text) or bare):
        return chosen
    taken = {(c.span.chunk.source, c.span.start_char) for c in chosen}
    out = [lead]
    for nxt in _line(lead, ordered)[1][:MAX_LEANING]:
        if (nxt.span.chunk.source, nxt.span.start_char) in taken or not (bare or _LEANS.match(nxt.span.text)):
            break
        out.append(nxt)
        bare = False  # "A: Yes." brings the one sentence that says how
    return out + chosen[1:]


def with_bare_opening(chosen: list[ScoredSpan], ordered: list[ScoredSpan]) -> list[ScoredSpan]:
    """A lead that follows a bare answer opening its line ("MIT. See LICENSE.", "A: 30 days. After that ...") brings it first.

    The bare sentence is the line's answer and the lead only says where or
    why; quoting "See LICENSE." alone drops the licence's name. A bare "Yes."
    or "No." is not brought: it answers the document's own question ("Can I
    ...?"), which may not be the one asked (:func:`answer_starts_the_line`
    starts there only when it is).
    """
    before = _line(chosen[0], ordered)[0]
    if len(before) != 1 or not _bare(before[0]) or is_boilerplate(before[0].span) or is_question_shaped(before[0].span):
        return chosen  # only the line's one opening sentence, and no "Why?" that the lead answers
    if _YES_NO.match(_ANSWER_LABEL.sub("", before[0].span.text)):
        return chosen
    return _first(before[0], chosen)


def answer_starts_the_line(question: str, chosen: list[ScoredSpan], ordered: list[ScoredSpan]) -> list[ScoredSpan]:
    """A lead inside the answer to a question line that asks what was asked gives way to that answer's first sentence."""
    lead = chosen[0]
    asked = question_line(lead.span)
    words = set(terms(question))
    if not asked or not words or len(words & set(terms(asked))) / len(words) < ASKED_SHARE:
        return chosen
    before = _line(lead, ordered)[0]
    if not before or is_boilerplate(before[0].span):
        return chosen
    return [before[0]] + [c for c in chosen[1:] if c is not before[0]]


def with_antecedent(question: str, chosen: list[ScoredSpan], ordered: list[ScoredSpan]) -> list[ScoredSpan]:
    """A "who" lead that says "He abolished ..." brings the sentence before it, which names him.

    Only when the lead holds no name of its own and the sentence before it, in
    the same paragraph, does: otherwise the answer would be a pronoun.
    """
    lead = chosen[0]
    if expected_type(question) != PERSON or lead.answers or not _PRONOUN.match(lead.span.text.strip()):
        return chosen
    before = _line(lead, ordered)[0]
    if not before or not before[-1].answers:
        return chosen
    return _first(before[-1], chosen)  # already added as the typed answer: it still reads first
