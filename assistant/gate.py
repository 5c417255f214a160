"""Refuse before answering: the gates between retrieval and the answer.

- :func:`extractive_gate` guards the extractive backend, which has no model to
  say "the documents do not answer this".
- :func:`nothing_found` guards the generated path: a capable model decides
  for itself, so only a question that retrieval found nothing about at all
  is refused before the model is asked.
"""
from __future__ import annotations

import math

from .answer_types import core_question, expected_type, focus_entities, fold
from .compose import candidates
from .condense import Question
from .followup import unsaid
from .names import name_forms, named_in
from .scope import paragraph
from .settings import Settings
from .support import ScoredSpan, passage_coverage
from .text import STOPWORDS, stem, terms, tokens
from .types import Passage
from .units import asked_unit, gives_figure_in
from .vocab import common_words


# Question-level gate features, in this order (see :func:`gate_features`).
GATE_FEATURES = ("best_similarity", "lead_similarity", "lead_coverage", "top3_coverage", "typed_ok", "typed_bad",
                 "entity_missing", "similarity_gap", "passage_similarity", "property_similarity", "name_unknown", "bound_answer", "bound_property",
                 "typed_unbound")
# A logistic model of "the passages answer the question", fitted by
# evals/calibration/fit.py on our own calibration sets: five corpus families,
# each with answerable and near-topic unanswerable questions, plus
# cross-corpus negatives (a question about one corpus asked of another);
# every family weighs the same. Each family's held-out figures are in
# evals/calibration/weights.json.
# The fit is monotone (fit.py: GATE_SIGNS): more evidence never lowers the
# score. An unconstrained fit gave "a typed answer was found" and "question
# words in the top passages" negative weights, and refused plain answerable
# questions ("How many square meters does the first phase ... cover?").
GATE_WEIGHTS = (1.219, 2.287, 1.15, 0.191, 0.0, -0.395, 0.0, 0.0, 2.066, 2.022, -0.887, 1.087, 2.07, -0.861)
GATE_BIAS = -5.726
TYPED_COVERAGE = 0.5  # an answer of the asked type counts when its paragraph holds half the question's property words


def gate_features(q: str, passages: list[Passage], scored: list[ScoredSpan], idf=None) -> tuple[float, ...]:
    """The GATE_FEATURES of a question, from the retrieved passages.

    Read from the retrieved passages only, except one corpus-wide yes/no
    (whether the index holds a name the passages lack), so the same question
    over the same evidence scores the same on 5 files or 500: closeness of the
    best sentences, of the lead (soft over the top three), of the closest
    passage and of the question without its names; the share of the
    question's property words in the lead's paragraph; whether an answer of
    the asked type, and the asked property, sit beside the names asked about;
    and whether those names occur at all.
    """
    pool = candidates(scored)
    if not passages or not pool:
        return (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0)
    core = core_question(q)
    focus = focus_entities(core)
    props = set(terms(core)) - {t for e in focus for t in terms(e)}
    top = pool[:3]
    covs = [len(props & set(terms(paragraph(s.span)))) / len(props) if props else 1.0 for s in top]
    qtype = expected_type(q)
    ok = float(bool(qtype) and any(s.answers and c >= TYPED_COVERAGE for s, c in zip(top, covs)))
    bad = float(bool(qtype) and not ok)
    text = fold(" ".join(p.chunk.text for p in passages))
    absent = [not any(f in text or _indexed(f, idf) for f in name_forms(e)) for e in focus]
    missing = sum(absent) / len(focus) if focus else 0.0
    sims = sorted((s.similarity for s in pool), reverse=True)
    best = sims[0]
    typical = sims[len(sims) // 2]  # the median sentence of the retrieved passages: the question's background
    dense = max(p.dense for p in passages)  # the closest whole passage: steadier than one sentence on long, clause-heavy text
    asked = max(s.property_similarity for s in pool)  # the asked property stated, whoever it is about
    paras = [fold(paragraph(s.span)) for s in pool]
    # A top sentence whose paragraph names everything the question is about, and
    # (for a typed question) holds an answer of that type: "Who is the CEO of
    # Tesla?" finds a CEO in one paragraph and Tesla in another, never both.
    bound = float(any((s.answers or not qtype) and all(named_in(e, para) for e in focus) for s, para in zip(top, paras)))
    # The asked property stated in a paragraph that names what it is asked about: one sentence, both halves.
    joint = max(s.property_similarity * _share(focus, para) for s, para in zip(pool, paras))
    # "The lead" as an expectation over the top three, weighted by how clearly
    # each is ranked first: two near-tied sentences share the role, so a tiny
    # change in ranking (another file in the corpus) moves the score a little,
    # not all the way from one sentence's value to the other's.
    lead = _softmax([s.score / LEAD_TEMPERATURE for s in top])
    lead_sim = sum(w * s.similarity for w, s in zip(lead, top))
    lead_cov = sum(w * c for w, c in zip(lead, covs))
    # The sharpest case of it: a typed question about a named thing ("Who is the
    # CEO of Tesla?", "When did BYD ...?") with no such answer beside the name.
    unbound = float(bool(qtype) and bool(focus) and not bound)
    # One name the whole index lacks ("Elon Musk" beside "Xiaomi SU7") is enough to doubt, whatever else is named.
    name_unknown = float(any(absent))
    return (best, lead_sim, lead_cov, max(covs), ok, bad, missing, best - typical, dense, asked, name_unknown,
            bound, joint, unbound)


# Rank-score units (support.RANK_WEIGHTS): a lead ahead by 2 takes ~88% of the
# weight, one ahead by 0.05 about half. 1 is the scale of one feature's unit
# weight, not fitted.
LEAD_TEMPERATURE = 1.0


def _softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    es = [math.exp(x - top) for x in xs]
    return [e / sum(es) for e in es]


def _share(focus: set[str], folded: str) -> float:
    """Share of the focus names found in ``folded`` text (1 when the question names nothing)."""
    if not focus:
        return 1.0
    return sum(named_in(e, folded) for e in focus) / len(focus)


def _indexed(name: str, idf) -> bool:
    """Whether every word of ``name`` occurs somewhere in the index (a yes/no, whatever the corpus size).

    A name the passages lack may still be in the corpus ("Frédéric" in a
    passage that says "Chopin"); one the whole index lacks ("Japan" in five
    articles that never mention it) is a sign the documents cannot answer.
    """
    if idf is None:
        return False
    words = terms(name)
    unseen = idf("\x00")  # BM25 gives a term it has never seen its largest IDF
    return bool(words) and all(idf(w) < unseen for w in words)


def support_score(q: str, passages: list[Passage], scored: list[ScoredSpan], idf=None) -> float:
    """Probability (0..1) that the passages answer ``q``, for the extractive gate."""
    if not passages or not scored:
        return 0.0
    z = GATE_BIAS + sum(w * x for w, x in zip(GATE_WEIGHTS, gate_features(q, passages, scored, idf)))
    return 1.0 / (1.0 + math.exp(-z))


def unit_missing(q: str, passages: list[Passage]) -> str | None:
    """Why no passage can answer a question that names its figure's unit ("in kWh", "how many kilometres"), or None.

    A figure in no unit, or in another one, is not the answer; quoting the
    closest sentence would only look like one.
    """
    unit = asked_unit(q)
    if unit and not any(gives_figure_in(p.chunk.text, unit) for p in passages):
        return f"the documents give no figure in the unit asked for ({unit})"
    return None


def follow_up_support(q: Question, passages: list[Passage], whole: list[ScoredSpan], asked: list[ScoredSpan],
                      said: str, idf=None) -> float:
    """:func:`support_score` of a follow-up, read two ways; the better reading counts.

    - What it asks now, alone (``asked``: the same passages' sentences scored
      for :attr:`Question.asked`): enough when the follow-up names what it
      asks about ("and the ISO 27001?").
    - The whole text, context included (``whole``), without the sentences the
      last reply ``said`` already quoted. Those answered the earlier question,
      and its words match them, so on the whole text they lend a new question
      support it does not have ("how tall was he?" after "Where was he
      born?"); the answer does not quote them either (follow_up_ranking puts
      them last).

      For a follow-up that asks for no type of answer, the whole text counts
      only when the passages hold every word it adds to its context
      (:func:`added_terms`). Such a follow-up asks about a thing by its name
      ("does it cover dental?", "and trout?", "what about mac?"); when the
      passages lack the name, the context vouches for a thing they never
      state, and the answer quotes a sentence about something else. A
      follow-up that asks for a date, an amount, a place or a person keeps
      the whole text: the gate's typed features judge that, and people ask
      for such things in their own words ("how much does it cost?" of a
      page that gives a price).

    On our follow-up conversations (evals/calibration/followup_set.json and
    followup_unanswerable.json), the whole text as it stood refused 5 of 30
    answerable follow-ups and 4 of 20 unanswerable ones; the two readings
    (session 13) refuse 2 and 9, and with the added words required of
    untyped follow-ups (session 14) 2 and 12.
    """
    alone = support_score(q.asked, passages, asked, idf)
    if expected_type(q.asked) is None:
        found = set().union(*(terms(p.chunk.text) for p in passages)) if passages else set()
        if not set(added_terms(q)) <= found:
            return alone
    return max(support_score(q.text, passages, unsaid(whole, said), idf), alone)


def added_terms(q: Question) -> list[str]:
    """The terms a follow-up adds to its context: what it asks about that the earlier turn did not say.

    Words under three letters ("ok", the "s" of "what's") and the most
    common English words (:func:`assistant.vocab.common_words`: "ask",
    "big", "like") are passed over: they name nothing asked.
    """
    said = set(terms(q.context))
    common = common_words()
    out = []
    for t in dict.fromkeys(tokens(q.asked)):
        if len(t) >= MIN_ADDED_LETTERS and t not in STOPWORDS and t not in common and stem(t) not in said:
            out.append(stem(t))
    return out


MIN_ADDED_LETTERS = 3  # "ok", "s" (what's), "ve" (i've) and "m" (i'm) are not words a follow-up asks about


def extractive_gate(q: Question, passages: list[Passage], scored: list[ScoredSpan], idf, settings: Settings,
                    asked: list[ScoredSpan] | None = None, said: str = "") -> str | None:
    """Why the extractive backend should refuse, or None.

    ``scored`` are the passages' sentences scored for ``q.text``; for a
    follow-up, ``asked`` scores them for ``q.asked`` and ``said`` is the last
    reply (:func:`follow_up_support`).
    """
    if settings.refusal_threshold > 0:
        why = unit_missing(q.text, passages)
        if why:
            return why
    if q.follow_up and asked is not None:
        support = follow_up_support(q, passages, scored, asked, said, idf)
    else:
        support = support_score(q.text, passages, scored, idf)
    if support < settings.refusal_threshold:
        return f"the documents do not seem to answer this (support {support:.2f} < {settings.refusal_threshold:.2f})"
    return None


# The generated path's floor: below both, retrieval found nothing about the
# question (no sentence even loosely close, no distinctive question word in
# the top passages). From evals/calibration/floor_signals.py on our own sets
# (xiaomi_near, and two halves of a package-docs corpus, asked against their
# own and the other half): the lowest answerable item had similarity 0.198
# with coverage 0.089; none of 68 answerable items falls under both, while
# off-topic questions against the five articles do (similarity 0.05-0.2).
FLOOR_SIMILARITY = 0.2
FLOOR_COVERAGE = 0.05


def nothing_found(q: str, passages: list[Passage], scored: list[ScoredSpan], idf) -> str | None:
    """Why the generated path should refuse before asking the model, or None."""
    if not passages or not scored:
        return "nothing in the documents matches the question"
    best = max(s.similarity for s in scored)
    coverage = passage_coverage(q, passages, idf)
    if best < FLOOR_SIMILARITY and coverage < FLOOR_COVERAGE:
        return f"nothing in the documents is about the question (closest sentence {best:.2f}, question words found {coverage:.2f})"
    return None
