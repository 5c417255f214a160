"""Score how well sentences of the retrieved passages answer a question.

One scoring serves three jobs: the refusal gate (is anything here good
enough?), the extractive answer (which sentences?) and the citation lines
(which sentence inside a cited passage?).
"""
from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

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
    sims = _cosines(qvec, _SENTENCES.embed(embedder, [sp.text for _, sp in spans]))
    qterms = set(terms(question))
    weights = {t: idf(t) for t in qterms}
    total = sum(weights.values()) or 1.0
    out = []
    for (i, sp), cos in zip(spans, sims):
        sim = max(0.0, float(cos))
        st = set(terms(sp.text))
        cov = sum(w for t, w in weights.items() if t in st) / total
        bonus = _type_bonus(question, sp.text) + 0.03 * (1.0 / (1 + i))
        out.append(ScoredSpan(sp, i, sim, cov, 0.45 * sim + 0.55 * cov + bonus))
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


def claim_supported(claim: str, context: str, min_coverage: float = 0.8) -> bool:
    """Does ``context`` state ``claim``?

    All its numbers and capitalised names must appear in the context, and most
    of its content words: small models love to invent a plausible number or a
    product name, and this is where those drafts are caught.
    """
    ct = terms(claim)
    if not ct:
        return True
    if not numbers(claim) <= numbers(context):
        return False
    low = context.lower()
    if any(name.lower() not in low for name in _names(claim)):
        return False
    have = set(terms(context))
    return sum(1 for t in ct if t in have) / len(ct) >= min_coverage


def _names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial: a cheap proper-noun finder."""
    out = set()
    for m in re.finditer(r"(?<=[a-z0-9,;:] )([A-Z][\w-]+)", text):
        out.add(m.group(1))
    return out


def _type_bonus(question: str, sentence: str) -> float:
    if _WHEN.search(question) and _DATE.search(sentence):
        return 0.08
    if _HOWMANY.search(question) and any(ch.isdigit() for ch in sentence):
        return 0.08
    if _WHO.search(question) and _NAME.search(sentence):
        return 0.04
    return 0.0


def _cosines(q, vecs: np.ndarray) -> np.ndarray:
    """Cosine of ``q`` with each row of ``vecs`` (0 for a zero vector)."""
    qv = np.asarray(q, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1) * float(np.linalg.norm(qv))
    dots = vecs @ qv
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)


_EMBED_BATCH = 16


class _SentenceVectors:
    """An LRU of sentence embeddings, one per embedder.

    Scoring embeds every sentence of the top passages on every question;
    overlapping chunks, popular passages and follow-up questions bring the
    same sentences back, and embedding is the slowest step before generation.
    """

    def __init__(self, size: int = 8192):
        self.size = size
        self._by_embedder: dict[int, OrderedDict[str, np.ndarray]] = {}
        self._lock = threading.Lock()

    def embed(self, embedder, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts`` (rows, float32), embedding only those not cached."""
        with self._lock:
            lru = self._lru(embedder)
            have = {t: lru[t] for t in texts if t in lru}
            for t in have:
                lru.move_to_end(t)
        # Shortest first, in small batches: a batch is padded to its longest
        # sentence, and one 64-wide batch of mixed lengths pads about half of it.
        missing = sorted(dict.fromkeys(t for t in texts if t not in have), key=len)
        if missing:  # embed outside the lock: other sessions keep scoring meanwhile
            fresh = np.concatenate([
                np.asarray(embedder.get_text_embedding_batch(missing[i : i + _EMBED_BATCH]), dtype=np.float32)
                for i in range(0, len(missing), _EMBED_BATCH)
            ])
            with self._lock:
                lru = self._lru(embedder)
                for t, v in zip(missing, fresh):
                    have[t] = lru[t] = v
                while len(lru) > self.size:
                    lru.popitem(last=False)
        return np.stack([have[t] for t in texts])

    def clear(self) -> None:
        with self._lock:
            for lru in self._by_embedder.values():
                lru.clear()

    def _lru(self, embedder) -> OrderedDict[str, np.ndarray]:
        # Embedders (pydantic models) are not hashable: key by id, and drop the
        # entry when the embedder is collected so a reused id starts empty.
        key = id(embedder)
        lru = self._by_embedder.get(key)
        if lru is None:
            lru = self._by_embedder[key] = OrderedDict()
            try:
                weakref.finalize(embedder, self._by_embedder.pop, key, None)
            except TypeError:  # not weak-referenceable: keep the entry for the process
                pass
        return lru


_SENTENCES = _SentenceVectors()


def clear_sentence_cache() -> None:
    """Forget cached sentence vectors (the latency benchmark times cold scoring with it)."""
    _SENTENCES.clear()


def select_sentences(question: str, scored: list[ScoredSpan], limit: int = 3, floor: float = 0.75) -> list[ScoredSpan]:
    """Pick the sentences of an extractive answer.

    Greedy: the best sentence first, then those close to it in score that add
    something — question terms not yet covered, or another document (so a
    question spanning two articles gets both sides).
    """
    if not scored:
        return []
    best = scored[0].score
    qterms = set(terms(question))
    chosen = [scored[0]]
    covered = qterms & set(terms(scored[0].span.text))
    sources = {scored[0].span.chunk.source}
    pool = [s for s in scored[1:] if s.score >= floor * best]
    while pool and len(chosen) < limit:
        def gain(s: ScoredSpan) -> float:
            new_terms = (qterms & set(terms(s.span.text))) - covered
            return s.score + 0.1 * (s.span.chunk.source not in sources) + 0.1 * len(new_terms) / max(1, len(qterms))
        nxt = max(pool, key=gain)
        pool.remove(nxt)
        if _redundant(nxt, chosen):
            continue
        chosen.append(nxt)
        covered |= qterms & set(terms(nxt.span.text))
        sources.add(nxt.span.chunk.source)
    return _with_continuations(chosen, scored)


# A sentence opening like this leans on the one before it ("These could
# include ...", "The second phase ..."): quoting the first alone loses the point.
_CONTINUES = re.compile(r"^(these|this|they|such|it|its|the (first|second|third|next|latter|former)|additionally|moreover|also|furthermore|in addition)\b", re.I)


def _with_continuations(chosen: list[ScoredSpan], scored: list[ScoredSpan], per_sentence: int = 2) -> list[ScoredSpan]:
    by_line: dict[tuple[str, int], list[ScoredSpan]] = {}
    for s in scored:
        by_line.setdefault((s.span.chunk.source, s.span.start_line), []).append(s)
    for group in by_line.values():
        group.sort(key=lambda s: s.span.start_char)
    out: list[ScoredSpan] = []
    taken = {(c.span.chunk.source, c.span.start_char) for c in chosen}
    for c in chosen:
        out.append(c)
        line = by_line.get((c.span.chunk.source, c.span.start_line), [])
        after = [s for s in line if s.span.start_char > c.span.start_char]
        for nxt in after[:per_sentence]:
            key = (nxt.span.chunk.source, nxt.span.start_char)
            if key in taken or not _CONTINUES.match(nxt.span.text):
                break
            out.append(nxt)
            taken.add(key)
    return out


def _redundant(s: ScoredSpan, chosen: list[ScoredSpan]) -> bool:
    """A sentence whose content words mostly repeat an already chosen one."""
    st = set(terms(s.span.text))
    for c in chosen:
        ct = set(terms(c.span.text))
        if st and len(st & ct) / len(st) > 0.8:
            return True
    return False


def embed_sentences(embedder, texts: list[str]) -> np.ndarray:
    """Vectors for ``texts`` through the shared sentence cache (the answer check reuses scoring's vectors)."""
    return _SENTENCES.embed(embedder, texts)
