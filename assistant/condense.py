"""Rewrite a follow-up into a standalone question using the chat history.

A small model cannot be trusted to rewrite, so this is a deterministic rule:
when the follow-up leans on earlier turns (pronouns, or too few content words
of its own), the last user question is carried along as context.
"""
from __future__ import annotations

import re

from .text import terms

_DEICTIC = re.compile(r"\b(it|its|it's|they|them|their|this|that|these|those|he|she|his|her|there|then|the same|one)\b", re.I)


def standalone_question(question: str, history: list[dict] | list[tuple] | None) -> str:
    """The question as it would read without the history."""
    prev = _last_user_turn(history or [])
    if not prev:
        return question
    if _DEICTIC.search(question) or len(terms(question)) <= 2:
        return f"{question.rstrip()} (context: {prev.strip()})"
    return question


def _last_user_turn(history) -> str:
    for turn in reversed(history):
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                return turn["content"]
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            return turn[0]  # (user, assistant) pairs
    return ""
