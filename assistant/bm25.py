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
    so it is computed once at build time and stored per posting in numpy
    arrays: a search is a few vector additions, and the index costs about
    8 bytes per posting instead of a Python tuple each.
    """

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(texts)
        docs: dict[str, array] = defaultdict(lambda: array("i"))
        freqs: dict[str, array] = defaultdict(lambda: array("i"))
        lengths = np.zeros(self.n, dtype=np.float64)
        stems: dict[str, str] = {}  # token -> term ("" for a stopword): most tokens repeat
        for i, text in enumerate(texts):
            tf = Counter(_terms(text, stems))
            lengths[i] = sum(tf.values())
            for t, c in tf.items():
                docs[t].append(i)
                freqs[t].append(c)
        self.avgdl = float(lengths.mean()) if self.n else 0.0
        norm = k1 * (1 - b + b * lengths / (self.avgdl or 1.0))
        self.idf: dict[str, float] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t, ids in docs.items():
            idx = np.frombuffer(ids, dtype=np.int32)
            tf = np.frombuffer(freqs[t], dtype=np.int32).astype(np.float64)
            idf = math.log(1 + (self.n - len(idx) + 0.5) / (len(idx) + 0.5))
            self.idf[t] = idf
            self._postings[t] = (idx.copy(), (idf * tf * (k1 + 1) / (tf + norm[idx])).astype(np.float32))

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """Top ``n`` (document index, score) pairs with a positive score, best first.

        Ties are broken by document order, so results are deterministic.
        """
        hits = [self._postings[t] for t in set(terms(query)) if t in self._postings]
        if not hits or n <= 0:
            return []
        if len(hits) == 1:
            ids, scores = hits[0]
        else:
            dense = np.zeros(self.n, dtype=np.float32)
            for idx, contrib in hits:
                dense[idx] += contrib  # ids are unique within one posting list
            ids = np.unique(np.concatenate([idx for idx, _ in hits]))
            scores = dense[ids]
        if len(ids) > n:
            keep = np.argpartition(-scores, n - 1)[:n]
            ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))
        return [(int(ids[j]), float(scores[j])) for j in order if scores[j] > 0]

    def idf_of(self, term: str) -> float:
        """IDF of a (stemmed) term; unseen terms get the maximum possible."""
        return self.idf.get(term, math.log(1 + (self.n + 0.5) / 0.5))


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
