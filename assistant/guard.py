"""Spot questions that try to steer the assistant instead of asking the documents."""
from __future__ import annotations

import re

_INJECTION = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|context|documents?|above|previous)\b",
    r"\b(system|developer|hidden|initial)\s+(prompt|message|instructions?)\b",
    r"\byour\s+(instructions|rules|prompt|guidelines)\b",
    r"\b(you are now|from now on,? you|act as|pretend (to be|you are)|roleplay as|jailbreak|DAN mode)\b",
    r"\b(reply|respond|answer|say|output|print)\s+(only\s+)?(with\s+)?(the word\s+)?[\"']?[A-Z]{4,}[\"']?\s*[.!]?$",
]
_PATTERNS = [re.compile(p, re.IGNORECASE | re.DOTALL) for p in _INJECTION]


def injection_reason(question: str) -> str | None:
    """Why the question looks like prompt injection, or None if it looks like a question."""
    for p in _PATTERNS:
        if p.search(question):
            return "the question asks the assistant to change or reveal its instructions"
    return None
