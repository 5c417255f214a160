"""Hybrid retrieval: dense vectors from Chroma plus BM25, fused with RRF."""
from __future__ import annotations

import threading
import time

from .bm25 import BM25, rrf
from .errors import EmptyIndexError
from .settings import Settings
from .store import Store
from .types import Chunk, Passage


class HybridRetriever:
    """Dense + BM25 retrieval over one store.

    BM25 lives in process memory and is rebuilt whenever the store's
    fingerprint changes, so several processes can share one Chroma server
    without serving a stale keyword index.
    """

    def __init__(self, store: Store, embedder, settings: Settings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._bm25: BM25 | None = None
        self._chunks: list[Chunk] = []
        self._by_id: dict[str, Chunk] = {}
        self._fp: tuple | None = None
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Rebuild the keyword index if the store changed since the last build."""
        fp = self.store.fingerprint()
        if fp == self._fp:
            return
        with self._lock:
            if fp == self._fp:
                return
            chunks = self.store.all_chunks()
            self._bm25 = BM25([c.text for c in chunks])
            self._chunks = chunks
            self._by_id = {c.id: c for c in chunks}
            self._fp = fp

    @property
    def bm25(self) -> BM25:
        self.refresh()
        assert self._bm25 is not None
        return self._bm25

    def retrieve(self, query: str, qvec=None, timings: dict[str, float] | None = None) -> list[Passage]:
        """The ``top_k`` best passages for ``query``, best first.

        ``qvec`` is the query's embedding when the caller already has it.
        """
        t = timings if timings is not None else {}
        s = self.settings
        t0 = time.perf_counter()
        self.refresh()
        if not self._chunks:
            raise EmptyIndexError("The index is empty.")
        t1 = time.perf_counter()
        if qvec is None:
            qvec = self.embedder.get_query_embedding(query)
        t2 = time.perf_counter()
        dense = self.store.query(qvec, min(s.candidates, len(self._chunks)))
        t3 = time.perf_counter()
        keyword = self._bm25.search(query, s.candidates) if self._bm25 else []
        t4 = time.perf_counter()
        dense_ids = [c.id for c, _ in dense]
        kw_ids = [self._chunks[i].id for i, _ in keyword]
        fused = rrf([(dense_ids, s.dense_weight), (kw_ids, s.bm25_weight)])
        dense_sim = {c.id: sim for c, sim in dense}
        kw_score = {self._chunks[i].id: sc for i, sc in keyword}
        chunk_of = {c.id: c for c, _ in dense}
        best = sorted(fused, key=lambda cid: -fused[cid])[: s.top_k]
        out = [
            Passage(
                chunk=chunk_of.get(cid) or self._by_id[cid],
                score=fused[cid],
                dense=dense_sim.get(cid, 0.0),
                bm25=kw_score.get(cid, 0.0),
            )
            for cid in best
        ]
        t5 = time.perf_counter()
        t.update(refresh=t1 - t0, embed=t2 - t1, dense=t3 - t2, bm25=t4 - t3, fusion=t5 - t4)
        return out
