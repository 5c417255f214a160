"""Score how well sentences of the retrieved passages answer a question.

One scoring serves three jobs: the refusal gate (is anything here good
enough?), the extractive answer (which sentences?) and the citation lines
(which sentence inside a cited passage?).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .spans import Span, sentence_spans
from .text import numbers, terms
from .types import Passage

_WHEN = re.compile(r"^\s*(when|what (year|date|month|day)|by when|since when)\b", re.I)
_HOWMANY = re.compile(r"\b(how (many|much|long|far|big|fast)|what (percentage|share|price|number|amount|figure))\b", re.I)
_WHO = re.compile(r"^\s*(who|whom|whose)\b", re.I)
_DATE = re.compile(r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b")


@dataclass
class ScoredSpan:
    span: Span
    passage: int  # 0-based index into the passage list
    similarity: float  # cosine(question, sentence)
    coverage: float  # IDF-weighted share of question terms in the sentence's passage context
    score: float  # what ranks sentences for the extractive answer

    @property
    def support(self) -> float:
        """Evidence that this sentence answers the question, 0..1, for the refusal gate."""
        return 0.5 * self.similarity + 0.5 * self.coverage


def score_spans(question: str, qvec, passages: list[Passage], embedder, idf) -> list[ScoredSpan]:
    """Every sentence of the passages scored against the question, best first."""
    seen: set[tuple[str, int]] = set()
    spans: list[tuple[int, Span]] = []
    for i, p in enumerate(passages):
        for sp in sentence_spans(p.chunk):
            key = (sp.chunk.source, sp.start_char)
            if key not in seen:  # overlapping chunks repeat sentences
                seen.add(key)
                spans.append((i, sp))
    if not spans:
        return []
    vecs = embedder.get_text_embedding_batch([sp.text for _, sp in spans])
    qterms = set(terms(question))
    weights = {t: idf(t) for t in qterms}
    total = sum(weights.values()) or 1.0
    out = []
    for (i, sp), vec in zip(spans, vecs):
        sim = max(0.0, _cos(qvec, vec))
        st = set(terms(sp.text))
        cov = sum(w for t, w in weights.items() if t in st) / total
        bonus = _type_bonus(question, sp.text) + 0.03 * (1.0 / (1 + i))
        out.append(ScoredSpan(sp, i, sim, cov, 0.55 * sim + 0.45 * cov + bonus))
    out.sort(key=lambda s: -s.score)
    return out


def passage_coverage(question: str, passages: list[Passage], idf, top: int = 3) -> float:
    """IDF-weighted share of the question's terms found in the best passages together."""
    qterms = set(terms(question))
    if not qterms:
        return 0.0
    have: set[str] = set()
    for p in passages[:top]:
        have.update(terms(p.chunk.text))
    weights = {t: idf(t) for t in qterms}
    return sum(w for t, w in weights.items() if t in have) / (sum(weights.values()) or 1.0)


def claim_supported(claim: str, context: str, min_coverage: float = 0.7) -> bool:
    """Does ``context`` state ``claim``: its numbers all present and most of its words?"""
    ct = terms(claim)
    if not ct:
        return True
    if not numbers(claim) <= numbers(context):
        return False
    have = set(terms(context))
    return sum(1 for t in ct if t in have) / len(ct) >= min_coverage


def _type_bonus(question: str, sentence: str) -> float:
    if _WHEN.search(question) and _DATE.search(sentence):
        return 0.08
    if _HOWMANY.search(question) and any(ch.isdigit() for ch in sentence):
        return 0.08
    if _WHO.search(question) and _NAME.search(sentence):
        return 0.04
    return 0.0


def _cos(a, b) -> float:
    num = sum(x * y for x, y in zip(a, b))
    na = sum(x * x for x in a) ** 0.5
    nb = sum(y * y for y in b) ** 0.5
    return num / (na * nb) if na and nb else 0.0
