"""A compact in-memory BM25 (Okapi) index over chunk texts."""
from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict

import numpy as np

from .text import STOPWORDS, stem, terms, tokens


class BM25:
    """Okapi BM25 with an inverted index; scoring touches only matching postings.

    A term's contribution to a document's score does not depend on the query,
    so it is computed once at build time. Postings live in two flat numpy
    arrays grouped by term (document ids, contributions), so a search is a
    few vector additions and the index costs 8 bytes per posting rather
    than a Python tuple each.
    """

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(texts)
        vocab: dict[str, int] = {}
        stems: dict[str, str] = {}  # token -> term ("" for a stopword): most tokens repeat
        term_ids, doc_ids, freqs = array("i"), array("i"), array("i")
        lengths = np.zeros(self.n, dtype=np.float64)
        for i, text in enumerate(texts):
            tf = Counter(_terms(text, stems))
            lengths[i] = sum(tf.values())
            term_ids.extend([vocab.setdefault(t, len(vocab)) for t in tf])
            freqs.extend(tf.values())
            doc_ids.extend([i] * len(tf))
        terms_ = np.frombuffer(term_ids, dtype=np.int32)
        order = np.argsort(terms_, kind="stable")  # group by term, documents in order
        docs = np.frombuffer(doc_ids, dtype=np.int32)[order]
        tf_ = np.frombuffer(freqs, dtype=np.int32)[order].astype(np.float32)
        df = np.bincount(terms_, minlength=len(vocab))
        del terms_, order
        self.avgdl = float(lengths.mean()) if self.n else 0.0
        norm = (k1 * (1 - b + b * lengths / (self.avgdl or 1.0))).astype(np.float32)
        self._idf = np.log(1 + (self.n - df + 0.5) / (df + 0.5))
        self._vocab = vocab
        self._start = np.concatenate([[0], np.cumsum(df)])
        self._docs = docs
        self._contrib = (np.repeat(self._idf.astype(np.float32), df) * tf_ * (k1 + 1) / (tf_ + norm[docs])).astype(np.float32)

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        j = self._vocab.get(term)
        if j is None:
            return None
        s, e = self._start[j], self._start[j + 1]
        return self._docs[s:e], self._contrib[s:e]

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """Top ``n`` (document index, score) pairs with a positive score, best first.

        Ties are broken by document order, so results are deterministic.
        """
        hits = [p for p in map(self._postings, sorted(set(terms(query)))) if p is not None]  # sorted: the same float sums in every process
        if not hits or n <= 0:
            return []
        if len(hits) == 1:
            ids, scores = hits[0]
        else:
            idx = np.concatenate([h[0] for h in hits])
            contrib = np.concatenate([h[1] for h in hits])
            if len(idx) * 8 < self.n:  # few postings: sum per distinct document
                ids, inverse = np.unique(idx, return_inverse=True)
                scores = np.bincount(inverse, weights=contrib)
            else:  # common terms: one pass over a dense score array beats sorting the postings
                scores = np.bincount(idx, weights=contrib, minlength=self.n)
                ids = np.flatnonzero(scores)
                scores = scores[ids]
        if len(ids) > n:
            keep = np.argpartition(-scores, n - 1)[:n]
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))
        return [(int(ids[j]), float(scores[j])) for j in order if scores[j] > 0]

    def idf_of(self, term: str) -> float:
        """IDF of a (stemmed) term; unseen terms get the maximum possible."""
        j = self._vocab.get(term)
        return float(self._idf[j]) if j is not None else math.log(1 + (self.n + 0.5) / 0.5)


def _terms(text: str, stems: dict[str, str]) -> list[str]:
    """:func:`assistant.text.terms`, memoising the stemming per token."""
    out = []
    for tok in tokens(text):
        term = stems.get(tok)
        if term is None:
            term = stems[tok] = "" if tok in STOPWORDS else stem(tok)
        if term:
            out.append(term)
    return out


def rrf(rankings: list[tuple[list[str], float]], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal rank fusion of several ranked id lists."""
    fused: dict[str, float] = defaultdict(float)
    for ids, weight in rankings:
        for rank, cid in enumerate(ids):
            fused[cid] += weight / (k + rank + 1)
    return dict(fused)
