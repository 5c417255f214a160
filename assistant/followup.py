"""How the sentences that answer a follow-up are ranked.

A follow-up ("how many of them had been sold by 1890?") reaches retrieval
and the gate with the earlier question carried along as context
(:class:`assistant.condense.Question`). Ranking its sentences by
that whole text put the sentence that had answered the earlier question
first again. Measured on the 30 conversations of
``evals/calibration/followup_set.json`` (session 12), the first sentence held
the new fact in 0.27 of them, and the context, split off as a second
question, padded every answer that held a fact.

Now each sentence is scored for what is asked now and for the whole text,
and the two scores are added: the asked part decides, and the context
still breaks ties ("How did they manage to sell so many so fast?" needs the
earlier "how many cars"). The sentences the last reply quoted go last: the
user has just read them. On the same conversations the first sentence then
holds the new fact in 0.77, and every sentence of every answer holds one
(weights of 0.25 to 1 on the whole text's score gave the same figures; the
plain sum is kept).
"""
from __future__ import annotations

from dataclasses import replace

from .citations import strip_markers
from .support import ScoredSpan


def follow_up_ranking(asked: list[ScoredSpan], whole: list[ScoredSpan], said: str) -> list[ScoredSpan]:
    """``asked`` (sentences scored for the follow-up alone) re-scored with ``whole``'s scores, best first.

    ``whole`` scores the same sentences for the follow-up with its context;
    ``said`` is the last reply, whose sentences go after all others.
    """
    by_span = {s.span: s.score for s in whole}
    ranked = sorted((replace(s, score=s.score + by_span.get(s.span, 0.0)) for s in asked), key=lambda s: -s.score)
    new, told = _split(ranked, said)
    return new + told


def unsaid(scored: list[ScoredSpan], said: str) -> list[ScoredSpan]:
    """The sentences of ``scored`` that the last reply ``said`` did not quote, in order."""
    return _split(scored, said)[0]


def _split(scored: list[ScoredSpan], said: str) -> tuple[list[ScoredSpan], list[ScoredSpan]]:
    """``scored`` as (not quoted in ``said``, quoted in it), each in order."""
    told = _flat(strip_markers(said))
    if not told:
        return scored, []
    again = [_flat(s.span.text) in told for s in scored]
    return [s for s, a in zip(scored, again) if not a], [s for s, a in zip(scored, again) if a]


def _flat(text: str) -> str:
    return " ".join(text.split())
