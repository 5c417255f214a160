"""Refuse before answering: the gates between retrieval and the answer.

- :func:`extractive_gate` guards the extractive backend, which has no model to
  say "the documents do not answer this".
- :func:`nothing_found` guards the generated path: a capable model decides
  for itself, so only a question that retrieval found nothing about at all
  is refused before the model is asked.
"""
from __future__ import annotations

from .settings import Settings
from .support import ScoredSpan, passage_coverage
from .types import Passage


def support_score(q: str, passages: list[Passage], scored: list[ScoredSpan], idf) -> float:
    """Evidence (0..1) that the passages answer ``q``."""
    if not passages or not scored:
        return 0.0
    # Semantic closeness of the best sentence, plus how much of the
    # question's (IDF-weighted) vocabulary the top passages share. Near-
    # topic questions the corpus cannot answer score high on the first but
    # miss distinctive terms ("top speed", "kWh"), which the second catches.
    best_sim = max(s.similarity for s in scored)
    return 0.5 * best_sim + 0.5 * passage_coverage(q, passages, idf)


def extractive_gate(q: str, passages: list[Passage], scored: list[ScoredSpan], idf, settings: Settings) -> str | None:
    """Why the extractive backend should refuse, or None."""
    support = support_score(q, passages, scored, idf)
    if support < settings.refusal_threshold:
        return f"weak support in the documents ({support:.2f} < {settings.refusal_threshold:.2f})"
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
