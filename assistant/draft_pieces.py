"""A draft cut into sentence pieces, and put back together after the check.

Markers (``[2]``) that open a piece belong to the piece before; a bare list
number ("1.") belongs to the piece after. A checked piece gets the markers of
the passages its verdict names, and an intro line left with nothing after it
is dropped.
"""
from __future__ import annotations

import re

from .citations import markers
from .sentences import split_sentences
from .types import ClaimCheck

_MARK = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_LEAD_MARKS = re.compile(r"^\s*((?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+)")
_BARE_LIST_MARK = re.compile(r"\s*(?:\d{1,2}|[a-zA-Z])[.)]\s*")


def pieces(line: str) -> list[str]:
    """Sentence pieces of a line; a marker opening a piece belongs to the piece before."""
    out: list[str] = []
    for piece in split_sentences(line):
        if len(out) == 1 and _BARE_LIST_MARK.fullmatch(out[0]):  # "1. " is a list marker, not a sentence
            piece = out.pop() + piece
        m = _LEAD_MARKS.match(piece)
        if m and out:
            out[-1] = out[-1].rstrip() + " " + m.group(1).strip() + " "
            piece = piece[m.end():]
        if piece.strip():
            out.append(piece)
    return out


def with_marks(piece: str, verdict: ClaimCheck) -> str:
    """The piece with its markers set to the verdict's passages (a gap or connector keeps none)."""
    if verdict.verdict in ("gap", "skipped") and not markers(piece):
        return piece
    bare = _MARK.sub("", piece)
    bare = re.sub(r"[ \t]+([.,;:!?])", r"\1", bare).rstrip()
    if not verdict.cited:
        return bare
    marks = "".join(f"[{k}]" for k in dict.fromkeys(verdict.cited))
    m = re.match(r"(.*?)([.!?]*)$", bare, re.S)
    return f"{m.group(1).rstrip()} {marks}{m.group(2)}"


def drop_dangling_intros(lines: list[str], claims: list[ClaimCheck]) -> list[str]:
    """A line ending in a colon with nothing after it (its list was removed) goes too."""
    out = [ln for ln in lines]
    for i, ln in enumerate(out):
        if ln.rstrip().endswith(":") and not any(x.strip() for x in out[i + 1 :]):
            out[i] = ""
    return [ln for ln in out if ln.strip()] if any(out) else []
