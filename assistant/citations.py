"""Parse, check and renumber [n] citation markers in generated text."""
from __future__ import annotations

import re

_MARK = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_RUN = re.compile(r"(?:\[\d+\]\s*)+")


def _dedupe_run(m: re.Match) -> str:
    seen: list[str] = []
    for mark in re.findall(r"\[\d+\]", m.group(0)):
        if mark not in seen:
            seen.append(mark)
    run = m.group(0)
    return "".join(seen) + run[len(run.rstrip()):]  # keep what followed, a line break included


def renumber(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Drop markers outside 1..n_passages and renumber the rest by first use.

    Returns the new text and, for each new number (1-based position), the
    original passage number it stands for.
    """
    order: list[int] = []

    def repl(m: re.Match) -> str:
        out = []
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            k = int(part)
            if not 1 <= k <= n_passages:
                continue  # a citation to a passage the model never saw
            if k not in order:
                order.append(k)
            new = f"[{order.index(k) + 1}]"
            if new not in out:
                out.append(new)
        return "".join(out)

    new_text = _MARK.sub(repl, text)
    new_text = _RUN.sub(_dedupe_run, new_text)  # "[1][2][1]" -> "[1][2]"
    new_text = re.sub(r"[ \t]{2,}", " ", new_text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", new_text).strip(), order


def markers(text: str) -> list[int]:
    """Every cited number in order of appearance (with repeats)."""
    out: list[int] = []
    for m in _MARK.finditer(text):
        out.extend(int(p) for p in re.split(r"\s*[,;]\s*", m.group(1)))
    return out


def strip_markers(text: str) -> str:
    """The text without any [n] markers."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _MARK.sub("", text)).strip()
