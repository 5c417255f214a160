"""Rewrite a follow-up into a standalone question using the chat history.

A small model cannot be trusted to rewrite, so this is a deterministic rule:
when the follow-up leans on earlier turns (pronouns, or too few content words
of its own), the last user question is carried along as context, together
with the names the last reply introduced ("the SU7", "Lei Jun"): the reply is
usually where "it" or "he" gets its referent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import terms

_DEICTIC = re.compile(r"\b(it|its|it's|they|them|their|this|that|these|those|he|she|his|her|there|then|the same|one)\b", re.I)
# A name is a capitalised word that does not open a sentence, or a code with
# letters and digits ("SU7", "YU7", "A100").
_NAME = re.compile(r"(?<=[a-z0-9,;:)] )[A-Z][\w'-]*(?: [A-Z][\w'-]*)*|\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{2,}\b")
_CITE = re.compile(r"\s*\[\d+\]")
_MAX_NAMES = 4


@dataclass(frozen=True)
class Question:
    """A question as the engine reads it: what the user asked now, and the earlier turn it leans on.

    Retrieval, the gate and a model's prompt read :attr:`text`, the two in one
    string; the answer's sentences are chosen for :attr:`asked`.
    """

    asked: str
    context: str = ""  # the last user question and the names its reply introduced; "" when the question stands alone

    @property
    def follow_up(self) -> bool:
        return bool(self.context)

    @property
    def text(self) -> str:
        """The question with its context in brackets after it, as one line."""
        return f"{self.asked.rstrip()} (context: {self.context})" if self.context else self.asked


def standalone(question: str, history: list[dict] | list[tuple] | None) -> Question:
    """The question as it would read without the history."""
    prev, reply = _last_exchange(history or [])
    if prev and (_DEICTIC.search(question) or len(terms(question)) <= 2):
        context = prev.strip()
        names = reply_names(reply, exclude=context + " " + question)
        if names:
            context += " " + ", ".join(names)
        return Question(question, context)
    return Question(question)


def reply_names(reply: str, exclude: str = "") -> list[str]:
    """Names in an assistant reply that ``exclude`` does not already mention, in order."""
    seen = exclude.lower()
    out: list[str] = []
    for m in _NAME.finditer(_CITE.sub("", reply or "")):
        name = m.group(0).removesuffix("'s")
        if name.lower() not in seen and not name.isdigit():
            seen += " " + name.lower()
            out.append(name)
            if len(out) == _MAX_NAMES:
                break
    return out


def last_reply(history) -> str:
    """The assistant reply after the last user turn of ``history`` ("" if none)."""
    return _last_exchange(history or [])[1]


def _last_exchange(history) -> tuple[str, str]:
    """The last user turn and the assistant reply that followed it (or "")."""
    reply = ""
    for turn in reversed(history):
        if isinstance(turn, dict):
            content = turn.get("content")
            if not isinstance(content, str):
                continue
            if turn.get("role") == "user":
                return content, reply
            if turn.get("role") == "assistant" and not reply:
                reply = content
        elif isinstance(turn, (list, tuple)) and turn and isinstance(turn[0], str):
            # (user, assistant) pairs
            return turn[0], turn[1] if len(turn) > 1 and isinstance(turn[1], str) else ""
    return "", ""
