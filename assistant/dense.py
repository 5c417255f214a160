"""Exact dense search over a snapshot of the store's vectors.

Chroma answers dense queries from an HNSW graph, which is approximate: on
mini_squad_v2 (1,407 chunks) it returns 99.9% of the true 30 nearest
neighbours on a fresh index and 99.7% after every file was read again
(deleted and added back under the same ids), enough to drop a passage a
question needed. Below ``Settings.exact_search_chunks`` the retriever keeps
the vectors beside its keyword snapshot and compares the question with all
of them: the true neighbours, for about the cost of an HNSW query.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .errors import EmbedderMismatchError


class ExactIndex:
    """Unit vectors of a fixed list of chunk ids, searched by brute force."""

    def __init__(self, ids: Sequence[str], vectors: np.ndarray):
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids but vectors of shape {vectors.shape}")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        # A zero vector has no direction: it matches nothing (similarity 0),
        # as it does under Chroma's cosine distance.
        self._unit = vectors / np.where(norms > 0, norms, 1.0)
        self._ids = list(ids)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def dim(self) -> int:
        return int(self._unit.shape[1])

    def nearest(self, embedding: Sequence[float], n: int) -> list[tuple[str, float]]:
        """The ``n`` chunk ids most similar to ``embedding``, best first, with cosine similarity."""
        if n <= 0 or not self._ids:
            return []
        q = np.asarray(embedding, dtype=np.float32)
        if q.shape != (self.dim,):
            raise EmbedderMismatchError(
                f"The index holds {self.dim}-dimensional vectors, but the embedder gives {q.size}."
            )
        norm = float(np.linalg.norm(q))
        sims = self._unit @ (q / norm if norm > 0 else q)
        if n < len(sims):
            top = np.argpartition(-sims, n - 1)[:n]
        else:
            top = np.arange(len(sims))
        # Best first; equal scores keep store order, so a result is repeatable.
        top = top[np.lexsort((top, -sims[top]))]
        return [(self._ids[i], float(sims[i])) for i in top]
