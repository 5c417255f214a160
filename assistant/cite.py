"""Citations for an answer: each [n] pointed at the lines it rests on.

The extractive path cites the sentence it quotes (:func:`citation`). A
model's draft cites passages, and the citation names the sentence in that
passage closest to what the draft said with the marker
(:func:`cite_generated`); a draft with no usable markers gets one per
sentence first (:func:`attach_citations`).
"""
from __future__ import annotations

import re

from .citations import markers, strip_markers
from .locators import locate
from .sentences import split_sentences
from .spans import Span
from .support import ScoredSpan
from .text import terms
from .types import Citation, Passage


def attach_citations(text: str, passages: list[Passage]) -> str:
    """Add [n] to each sentence, naming the passage that shares most of its words."""
    out_lines = []
    for line in text.splitlines():
        pieces = []
        for piece in split_sentences(line):
            body = piece.rstrip()
            ct = set(terms(body))
            if ct:
                k = 1 + max(range(len(passages)), key=lambda i: len(ct & set(terms(passages[i].chunk.text))))
                m = re.match(r"(.*?)([.!?]*)$", body, re.S)
                body = f"{m.group(1)} [{k}]{m.group(2)}"
            pieces.append(body + piece[len(piece.rstrip()):])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines)


def _claims(text: str) -> list[tuple[str, list[int]]]:
    """Sentences of an answer with the citation numbers attached to each."""
    out = []
    for line in text.splitlines():
        for piece in split_sentences(line):
            if piece.strip():
                out.append((strip_markers(piece), markers(piece)))
    # A marker that opens the next sentence belongs to the one before it.
    return out


def cite_generated(text: str, order: list[int], passages: list[Passage], scored: list[ScoredSpan]) -> list[Citation]:
    sentences = _claims(text)
    cites = []
    for new_n, orig in enumerate(order, start=1):
        p = passages[orig - 1]
        said = " ".join(s for s, ks in sentences if new_n in ks) or text
        span = _best_span_in(p, said, scored)
        cites.append(citation(new_n, span.span, p, span))
    return cites


def _best_span_in(p: Passage, claim: str, scored: list[ScoredSpan]) -> ScoredSpan:
    ct = set(terms(claim))
    c = p.chunk
    # Overlapping chunks share sentences, which were scored once under either chunk.
    cands = [s for s in scored if s.span.chunk.source == c.source and c.start_char <= s.span.start_char < c.end_char]
    return max(cands or scored, key=lambda s: (len(ct & set(terms(s.span.text))), s.score))


def citation(n: int, span: Span, p: Passage, s: ScoredSpan) -> Citation:
    locator, label = locate(span.chunk, span.start_line, span.end_line)
    return Citation(
        n=n,
        source=span.chunk.source,
        start_line=span.start_line,
        end_line=span.end_line,
        quote=span.text,
        score=round(p.dense or s.similarity, 3),
        locator=locator,
        label=label,
    )
