"""Systems under test: anything that turns an :class:`EvalItem` into an :class:`Outcome`.

A system is a plain callable, so tests can wrap ours (for example to break it
on purpose) without touching the assistant.
"""
from __future__ import annotations

import time
from typing import Callable, Iterable

from ..types import Answer, Citation, Passage
from .dataset import EvalItem
from .metrics import Cited, Outcome

System = Callable[[EvalItem], Outcome]


def ours(bot) -> System:
    """Our pipeline: ``bot.ask`` (an :class:`~assistant.api.Assistant`), one item at a time."""

    def run(item: EvalItem) -> Outcome:
        t0 = time.perf_counter()
        try:
            ans = bot.ask(item.query, history=item.history or None)
        except Exception as e:  # one broken item must not hide the other results
            return Outcome(text="", error=f"{type(e).__name__}: {str(e)[:200]}", latency=time.perf_counter() - t0)
        return outcome_of(ans, time.perf_counter() - t0)

    return run


def outcome_of(ans: Answer, wall: float) -> Outcome:
    """Reduce an :class:`Answer` to what the metrics read."""
    return Outcome(
        text=ans.text,
        refused=ans.refused,
        citations=[Cited(c.source, c.quote, _passage_text(c, ans.passages), c.locator, c.label) for c in ans.citations],
        retrieved=[p.chunk.source for p in ans.passages],
        # Wall clock, measured the same way for the baseline, so the two are comparable.
        latency=wall,
        tokens_in=ans.tokens_in,
        tokens_out=ans.tokens_out,
        standalone=ans.standalone_question,
    )


def _passage_text(c: Citation, passages: Iterable[Passage]) -> str:
    """Text of the retrieved passages that hold the cited lines (overlapping chunks may both)."""
    hits = [
        p.chunk.text
        for p in passages
        if p.chunk.source == c.source and p.chunk.start_line <= c.end_line and c.start_line <= p.chunk.end_line
    ]
    return "\n".join(hits)


def run_all(system: System, items: list[EvalItem], desc: str = "eval") -> list[Outcome]:
    """Run ``system`` on every item with a progress bar on stderr (for runs of 10+ items)."""
    from tqdm import tqdm

    out = []
    # Shown in logs too (not only on a terminal): long runs need a sign of life.
    for item in tqdm(items, desc=desc, unit="q", leave=False, mininterval=5, disable=len(items) < 10):
        out.append(system(item))
    return out
