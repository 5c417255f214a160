"""Compose a concise extractive answer from scored sentences.

Lead with the one sentence that answers; add one only when it brings
something asked for (another item of a list, another document's figure when
the question spans documents); a sentence ending in a colon brings the list
or steps that follow it (:mod:`assistant.lists`). What is never quoted is decided in
:mod:`assistant.boilerplate`.
"""
from __future__ import annotations

import re
from typing import Callable

from .boilerplate import is_boilerplate, is_question_shaped
from .lists import procedure_lead, table_rows, whole_list, with_continuations, with_list
from .line_neighbours import answer_starts_the_line, with_antecedent, with_bare_opening, with_leaning
from .locators import chunk_locator, locate
from .answer_types import DATE, LEAD_IN, PERSON, PLACE, asks_for_list, expected_type, focus_entities, fold, has_items
from .answer_types import candidates as typed
from .named import rows_the_question_names, versions_first
from .support import ScoredSpan, score_spans
from .text import terms
from .types import Citation, Passage

_MULTI_Q = re.compile(r"\b(across|both|each|all (of )?the (articles|documents|sources|files)|compare|comparison|differ|difference|versus|vs\.?|according to (the )?(articles|documents|sources))\b", re.I)

_MULTI_DOCS = re.compile(r"\b(the|all|both|these|two) (articles|documents|sources|files|reports|pages)\b|\bagree\b", re.I)
# Where a question asks a second thing: "..., and how many ...", "... ? Do they ...".
_SPLIT = re.compile(r"\?\s+|,?\s+and\s+(?=(?:when|where|who|what|how|which|why|did|does|is|are)\b)|,\s+or\s+(?=(?:when|where|who|what|how|which|why|did|does|is|are)\b)", re.I)
_STATEMENT = re.compile(r"(?<=[a-z]{2}[.!])\s+(?=[A-Z])")  # the end of a sentence inside a piece of a question
_DOUBLE = re.compile(LEAD_IN + r"(when|where|who) and (when|where|who)\b", re.I)
# A lead that names three or more things in a series ("German, French and
# Spanish", "theology, law, medicine and the arts") is read as the whole list:
# no "more items" are added to it. On the 40 list and several-document
# questions of our calibration families this took answers whose every
# sentence holds a key fact from 0.438 to 0.688 (lists) and 0.562 to 0.688
# (several documents), with no list answer losing a fact; one one-answer
# question, whose series lead was the wrong sentence, lost its fact (session 12).
_ITEM_WORDS = r"[\w'’.*-]+(?: [\w'’.*-]+){0,3}"  # an item of at most four words
# The series does not start the sentence: in "Furthermore, its brand and ..."
# the opener is not an item.
_SERIES = re.compile(rf"(?<=[\w*:] ){_ITEM_WORDS}, (?:{_ITEM_WORDS}, )*{_ITEM_WORDS},? (?:and|or) [\w*'’]")
MAX_EXTRA = 2  # sentences added for more list items, another document's view, or a second part of the question
EXTRA_RANK = 8  # added sentences come from the top 8 candidates (the issue measured the answer there in 89% of gold items)


def spans_documents(question: str) -> bool:
    """A question about several documents ("across the articles", "compare", "do the articles agree")."""
    return bool(_MULTI_Q.search(question) or _MULTI_DOCS.search(question))


def question_parts(question: str) -> list[tuple[str, str | None]]:
    """The things a question asks, each with its answer type: "When and where ...?" gives two."""
    # A statement before the question is its setting, not a thing asked:
    # "I'm starting on Monday. What time should I turn up ...?" asks about the time.
    pieces = [_STATEMENT.split(p.strip())[-1] for p in _SPLIT.split(question) if p and p.strip()]
    parts = [p for p in pieces if terms(p)]
    out = [(p, expected_type(p)) for p in parts]
    m = _DOUBLE.match(question)
    if m:
        kind = {"when": DATE, "where": PLACE, "who": PERSON}
        out = [(question, kind[m.group(1).lower()]), (question, kind[m.group(2).lower()])] + out[1:]
    return out


def candidates(scored: list[ScoredSpan]) -> list[ScoredSpan]:
    """Scored sentences that may be quoted as answer sentences, best first."""
    return [s for s in scored if not is_boilerplate(s.span) and not is_question_shaped(s.span)]


PartRanker = Callable[[str], list[ScoredSpan]]


def part_ranker(passages: list[Passage], embedder, idf) -> PartRanker:
    """Ranks the same passages' sentences for one part of a compound question, as if it were asked alone."""
    return lambda part: score_spans(part, embedder.get_query_embedding(part), passages, embedder, idf)


def compose(question: str, scored: list[ScoredSpan], all_spans: list[ScoredSpan] | None = None,
            rank_part: PartRanker | None = None) -> list[ScoredSpan]:
    """The sentences of the answer, lead first; a lead ending in ':' carries its list.

    ``rank_part`` ranks the passages for one part of a compound question
    ("..., and how often are backups made?"): a part's answer is looked for
    among its own best sentences, not only among the whole question's.
    """
    pool = versions_first(question, candidates(scored))
    if not pool:
        return []
    lead = pool[0]
    chosen = [lead]
    parts = question_parts(question)
    if len(parts) == 1 and parts[0][1] and not lead.answers:
        # The lead is closest but holds no answer of the type asked: add the best one that does.
        typed = [s for s in pool[1:EXTRA_RANK] if s.answers]
        chosen += typed[:1]
    if len(parts) > 1:
        chosen += _for_parts(question, parts, chosen, pool[1:EXTRA_RANK], rank_part)
    if spans_documents(question) or (asks_for_list(question) and not _SERIES.search(lead.span.text)):
        chosen += _extras(question, chosen, pool[1:EXTRA_RANK])
    chosen = rows_the_question_names(question, chosen, pool[:EXTRA_RANK])
    ordered = all_spans if all_spans is not None else scored
    if asks_for_list(question):
        chosen = whole_list(table_rows(with_continuations(chosen, ordered), pool[1:EXTRA_RANK]))
    chosen = answer_starts_the_line(question, procedure_lead(chosen, ordered), ordered)
    chosen = with_leaning(with_bare_opening(chosen, ordered), ordered)
    chosen = with_antecedent(question, chosen, ordered)
    return _without_repeats([with_list(s, ordered) for s in chosen])


def _without_repeats(chosen: list[ScoredSpan]) -> list[ScoredSpan]:
    """The answer without a sentence that another of its quotes already holds.

    A colon lead quotes the list after it; an item of that list, chosen on
    its own as "more items", would be quoted and cited a second time.
    """
    def reach(c: ScoredSpan) -> tuple[str, int, int]:
        return c.span.chunk.source, c.span.start_char, c.span.start_char + len(c.span.text)

    def holds(a: ScoredSpan, b: ScoredSpan, a_first: bool) -> bool:
        (fa, sa, ea), (fb, sb, eb) = reach(a), reach(b)
        return fa == fb and sa <= sb and eb <= ea and ((sa, ea) != (sb, eb) or a_first)

    return [c for k, c in enumerate(chosen) if not any(holds(o, c, j < k) for j, o in enumerate(chosen) if j != k)]


def _for_parts(question: str, parts: list[tuple[str, str | None]], chosen: list[ScoredSpan], rest: list[ScoredSpan],
               rank_part: PartRanker | None = None) -> list[ScoredSpan]:
    """For each part of a compound question the lead does not answer, its best sentence.

    With ``rank_part``, that is the part's own best sentence that answers it;
    without, the best of the whole question's next sentences.
    """
    out: list[ScoredSpan] = []
    for part, qtype in parts:
        have = chosen + out
        if len(out) >= MAX_EXTRA or any(_answers_part(s, part, qtype) or _answers_by_reference(s, part, qtype) for s in have):
            continue
        taken = {_reach(s) for s in have}
        if rank_part is not None:
            own = [s for s in candidates(rank_part(_part_query(question, part)))[:EXTRA_RANK]
                   if _reach(s) not in taken and _answers_part(s, part, qtype, typed_for_part=True)]
            if own:
                out.append(own[0])
                continue
        fits = [s for s in rest if _reach(s) not in taken and _answers_part(s, part, qtype)]
        if fits:
            best = max(fits, key=lambda s: (_part_coverage(s, part), bool(typed(s.span.text, qtype, part)), s.score))
            out.append(best)
    return out


def _part_query(question: str, part: str) -> str:
    """A part as it is ranked: with the names the rest of the question gives it.

    "We're five people looking at the Team plan. ..., and how fast does
    support answer on that plan?" ranks "how fast does support answer on
    that plan? team": the Team plan's row, not the Free plan's.
    """
    have = fold(part)
    return " ".join([part] + sorted(e for e in focus_entities(question) if e not in have))


def _reach(s: ScoredSpan) -> tuple[str, int]:
    """Where a sentence lies: the same sentence scored for two questions is one."""
    return s.span.chunk.source, s.span.start_char


def _part_coverage(s: ScoredSpan, part: str) -> float:
    """Share of the part's property words (not the names it is about) in the sentence."""
    pt = set(terms(part)) - {t for e in focus_entities(part) for t in terms(e)}
    return len(pt & set(terms(s.span.text))) / len(pt) if pt else 0.0


# A part that names nothing of its own and points back ("..., and how long
# does it last?") asks about the subject of the part before it.
# ... and asks for little more than its answer type: "how long does it last"
# (long, last), "who pays for it" (pay). "How fast does support answer on
# that plan?" has a subject of its own (support), which the lead need not answer.
BARE_PART_TERMS = 2
_POINTS_BACK = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|him|his|she|her)\b", re.I)


def _answers_by_reference(s: ScoredSpan, part: str, qtype: str | None) -> bool:
    """A chosen sentence answers a part that points back to the question's subject when it holds the part's type.

    "Is there a trial for the Team plan, and how long does it last?" is
    answered by "You can try the Team plan free for 14 days.", which shares
    no word with "how long does it last".
    """
    return (bool(qtype) and bool(_POINTS_BACK.search(part)) and not focus_entities(part) and len(terms(part)) <= BARE_PART_TERMS
            and bool(typed(s.span.text, qtype, part)))


def _answers_part(s: ScoredSpan, part: str, qtype: str | None, typed_for_part: bool = False) -> bool:
    """A sentence holds an answer of the part's type and shares some of its words.

    ``typed_for_part``: ``s`` was scored for this part, so its answers (a
    surname the passage introduced, a role field's one name) are the part's.
    """
    if qtype:
        held = s.answers if typed_for_part else typed(s.span.text, qtype, part)
        return bool(held) and _part_coverage(s, part) > 0
    return _part_coverage(s, part) >= 0.5


def _extras(question: str, chosen: list[ScoredSpan], rest: list[ScoredSpan]) -> list[ScoredSpan]:
    """Further sentences that bring a new item or another document's view."""
    qt = set(terms(question))
    have = {t for c in chosen for t in terms(c.span.text)} - qt
    sources = {c.span.chunk.source for c in chosen}
    multi = spans_documents(question)
    out: list[ScoredSpan] = []
    room = MAX_EXTRA - (len(chosen) - 1)
    for s in rest:
        if len(out) >= room:
            break
        if s in chosen:
            continue
        st = set(terms(s.span.text)) - qt
        new = st - have
        other_doc = s.span.chunk.source not in sources
        if not st or len(new) / len(st) < 0.5:  # mostly repeats what is already said
            continue
        if multi != other_doc:  # across documents: another one's view; otherwise stay in the lead's document
            continue
        if not (s.answers or other_doc or has_items(s.span.text)):
            continue
        out.append(s)
        have |= st
        sources.add(s.span.chunk.source)
    return out


CLOSEST = 2  # passages a refusal points to: enough to look further, too few to read as an answer


def closest_passages(scored: list[ScoredSpan], passages: list[Passage], n: int = CLOSEST) -> list[Citation]:
    """For a refusal: the nearest passages, each as its best quotable sentence ("closest passages, not an answer")."""
    out: list[Citation] = []
    seen: set[int] = set()
    for s in candidates(scored) or scored:
        if s.passage in seen:
            continue
        seen.add(s.passage)
        locator, label = locate(s.span.chunk, s.span.start_line, s.span.end_line)
        out.append(Citation(n=len(out) + 1, source=s.span.chunk.source, start_line=s.span.start_line,
                            end_line=s.span.end_line, quote=s.span.text, score=round(s.similarity, 3),
                            locator=locator, label=label))
        if len(out) >= n:
            return out
    for i, p in enumerate(passages):  # nothing scored (e.g. no sentences): fall back to the passages' lines
        if len(out) >= n:
            break
        if i not in seen:
            c = p.chunk
            locator, label = chunk_locator(c)
            out.append(Citation(n=len(out) + 1, source=c.source, start_line=c.start_line, end_line=c.end_line,
                                quote=c.text[:200], score=round(p.dense, 3), locator=locator, label=label))
    return out
