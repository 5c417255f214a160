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
from .compose import candidates, paragraph
from .settings import Settings
from .support import ScoredSpan, passage_coverage
from .text import terms
from .types import Passage


# Question-level gate features, in this order (see :func:`gate_features`).
GATE_FEATURES = ("best_similarity", "lead_similarity", "lead_coverage", "top3_coverage", "typed_ok", "typed_bad",
                 "entity_missing", "similarity_gap")
# A logistic model of "the passages answer the question", fitted by
# evals/calibration/fit.py on our own calibration sets (near-topic questions
# on corpus/, and cross-corpus negatives from two halves of a package-docs
# corpus); held-out figures in evals/calibration/weights.json.
# The fit is monotone (fit.py: GATE_SIGNS): more evidence never lowers the
# score. An unconstrained fit gave "a typed answer was found" and "question
# words in the top passages" negative weights, and refused plain answerable
# questions ("How many square meters does the first phase ... cover?").
GATE_WEIGHTS = (1.982, 2.89, 0.0, 0.0, 0.0, -0.831, -1.802, 1.34)
GATE_BIAS = -2.11
TYPED_COVERAGE = 0.5  # an answer of the asked type counts when its paragraph holds half the question's property words


def gate_features(q: str, passages: list[Passage], scored: list[ScoredSpan], idf=None) -> tuple[float, ...]:
    """The GATE_FEATURES of a question, from the retrieved passages alone.

    Nothing here reads corpus-wide statistics (no IDF, no corpus size), so the
    same question over the same evidence scores the same on 5 files or 500:
    closeness of the best sentences, the share of the question's property
    words (its content words other than the names it is about) in the lead
    sentence's paragraph, whether a top sentence holds an answer of the type
    asked next to those words, and whether the names occur at all.
    """
    pool = candidates(scored)
    if not passages or not pool:
        return (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0)
    core = core_question(q)
    focus = focus_entities(core)
    props = set(terms(core)) - {t for e in focus for t in terms(e)}
    top = pool[:3]
    covs = [len(props & set(terms(paragraph(s.span)))) / len(props) if props else 1.0 for s in top]
    qtype = expected_type(q)
    ok = float(bool(qtype) and any(s.answers and c >= TYPED_COVERAGE for s, c in zip(top, covs)))
    bad = float(bool(qtype) and not ok)
    text = fold(" ".join(p.chunk.text for p in passages))
    missing = sum(e not in text and not _indexed(e, idf) for e in focus) / len(focus) if focus else 0.0
    sims = sorted((s.similarity for s in pool), reverse=True)
    best = sims[0]
    typical = sims[len(sims) // 2]  # the median sentence of the retrieved passages: the question's background
    return (best, top[0].similarity, covs[0], max(covs), ok, bad, missing, best - typical)


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


def extractive_gate(q: str, passages: list[Passage], scored: list[ScoredSpan], idf, settings: Settings) -> str | None:
    """Why the extractive backend should refuse, or None."""
    support = support_score(q, passages, scored, idf)
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
