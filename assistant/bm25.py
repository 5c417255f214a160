"""A compact in-memory BM25 (Okapi) index over chunk texts."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from .text import terms


class BM25:
    """Okapi BM25 with an inverted index; scoring touches only matching postings."""

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(texts)
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths = []
        for i, text in enumerate(texts):
            tf = Counter(terms(text))
            self.lengths.append(sum(tf.values()))
            for t, c in tf.items():
                self.postings[t].append((i, c))
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 0.0
        self.idf = {
            t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()
        }

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """Top ``n`` (document index, score) pairs with a positive score, best first."""
        scores: dict[int, float] = defaultdict(float)
        k1, b, avg = self.k1, self.b, self.avgdl or 1.0
        for t in set(terms(query)):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i, c in self.postings[t]:
                scores[i] += idf * c * (k1 + 1) / (c + k1 * (1 - b + b * self.lengths[i] / avg))
        return sorted(scores.items(), key=lambda kv: -kv[1])[:n]

    def idf_of(self, term: str) -> float:
        """IDF of a (stemmed) term; unseen terms get the maximum possible."""
        return self.idf.get(term, math.log(1 + (self.n + 0.5) / 0.5))


def rrf(rankings: list[tuple[list[str], float]], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal rank fusion of several ranked id lists."""
    fused: dict[str, float] = defaultdict(float)
    for ids, weight in rankings:
        for rank, cid in enumerate(ids):
            fused[cid] += weight / (k + rank + 1)
    return dict(fused)
