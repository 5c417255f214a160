"""Per-tab chat state, and one shared pool of assistants keyed by settings.

Each browser tab gets its own :class:`Session` (held in a ``gr.State``), so
two tabs never see each other's history or settings. The heavy parts (models,
index) live in :class:`BotPool` and are shared: tabs with the same settings
share one :class:`~assistant.api.Assistant`.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..types import Answer
from . import render


@dataclass
class Turn:
    """One question and what became of it."""

    question: str
    text: str = ""  # the streamed text so far
    answer: Answer | None = None  # set when the answer is complete
    error: str = ""  # a friendly message, when the question failed
    stopped: bool = False

    @property
    def done(self) -> bool:
        return self.answer is not None or bool(self.error) or self.stopped


@dataclass
class Session:
    """One tab's conversation and its settings changes (applied to the next question)."""

    turns: list[Turn] = field(default_factory=list)
    overrides: dict[str, Any] = field(default_factory=dict)

    def history(self) -> list[dict]:
        """Finished turns as chat messages for the answer engine (follow-up rewriting)."""
        out: list[dict] = []
        for t in self.turns:
            if t.answer is not None:
                out += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer.text}]
        return out

    def messages(self) -> list[dict]:
        """What the Chatbot shows: one user and one assistant message per turn."""
        out: list[dict] = []
        for i, t in enumerate(self.turns):
            out.append({"role": "user", "content": render.question_html(t.question)})
            out.append({"role": "assistant", "content": turn_html(i, t)})
        return out

    def citation(self, turn: int, n: int):
        """The citation behind marker ``[n]`` of answer ``turn``, or None."""
        if 0 <= turn < len(self.turns) and self.turns[turn].answer is not None:
            for c in self.turns[turn].answer.citations:
                if c.n == n:
                    return c
        return None


def turn_html(i: int, t: Turn) -> str:
    if t.answer is not None:
        return render.answer_html(i, t.answer)
    if t.error:
        return render.error_html(t.error)
    if t.stopped:
        return render.stopped_html(t.text)
    return render.streaming_html(t.text)


class BotPool:
    """Assistants for the settings tabs ask for, built from one base and shared.

    ``Assistant.with_settings`` reuses the embedder, store and LLM whenever the
    change allows, so a pool entry is cheap unless it needs a different model.
    """

    def __init__(self, base, size: int = 8):
        self.base = base
        self._size = size
        self._bots: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, overrides: dict[str, Any]):
        """The assistant for ``base.settings`` with ``overrides`` applied."""
        key = tuple(sorted((k, v) for k, v in overrides.items() if getattr(self.base.settings, k) != v))
        if not key:
            return self.base
        with self._lock:
            bot = self._bots.get(key)
            if bot is None:
                bot = self.base.with_settings(**dict(key))
                self._bots[key] = bot
                while len(self._bots) > self._size:
                    self._bots.popitem(last=False)
            self._bots.move_to_end(key)
            return bot
