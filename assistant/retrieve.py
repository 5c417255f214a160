"""Hybrid retrieval: dense vectors from Chroma plus BM25, fused with RRF."""
from __future__ import annotations

import threading
import time
from typing import NamedTuple

from .bm25 import BM25, rrf
from .errors import EmptyIndexError
from .settings import Settings
from .store import Store
from .types import Chunk, Passage


class _Keyword(NamedTuple):
    """One consistent BM25 build: the index, its chunks and the fingerprint it matches."""

    bm25: BM25
    chunks: list[Chunk]
    by_id: dict[str, Chunk]
    fp: tuple | None


class HybridRetriever:
    """Dense + BM25 retrieval over one store.

    BM25 lives in process memory. Before each query the store's
    :meth:`~assistant.store.Store.fingerprint` (a write-generation token
    plus the chunk count) is compared with the one the keyword index was
    built from, and the index is rebuilt when they differ, so several
    processes can share one Chroma server without serving a stale keyword
    index. A rebuild swaps one immutable snapshot, so a query running in
    another thread never mixes an old index with new chunks.
    """

    def __init__(self, store: Store, embedder, settings: Settings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._kw: _Keyword | None = None
        self._lock = threading.Lock()

    def refresh(self) -> _Keyword:
        """Rebuild the keyword index if the store changed since the last build."""
        fp = self.store.fingerprint()  # read before the chunks: a write in between only costs a rebuild
        kw = self._kw
        if kw is not None and kw.fp == fp:
            return kw
        with self._lock:
            kw = self._kw
            if kw is not None and kw.fp == fp:
                return kw
            chunks = self.store.all_chunks()
            kw = _Keyword(BM25([c.text for c in chunks]), chunks, {c.id: c for c in chunks}, fp)
            self._kw = kw
            return kw

    @property
    def bm25(self) -> BM25:
        """The keyword index as of the last query (built now if there was none)."""
        kw = self._kw or self.refresh()
        return kw.bm25

    def retrieve(self, query: str, qvec=None, timings: dict[str, float] | None = None) -> list[Passage]:
        """The ``top_k`` best passages for ``query``, best first.

        ``qvec`` is the query's embedding when the caller already has it.
        """
        t = timings if timings is not None else {}
        s = self.settings
        t0 = time.perf_counter()
        kw = self.refresh()
        if not kw.chunks:
            raise EmptyIndexError("The index is empty.")
        t1 = time.perf_counter()
        if qvec is None:
            qvec = self.embedder.get_query_embedding(query)
            t["embed"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        # Ids only: the snapshot holds every chunk's text, and fetching
        # documents and metadata for all candidates is most of a query's cost.
        n = min(s.candidates, len(kw.chunks))
        dense = self.store.nearest(qvec, n)
        chunk_of = kw.by_id
        if any(cid not in chunk_of for cid, _ in dense):  # written after the snapshot was read
            full = self.store.query(qvec, n)
            dense = [(c.id, sim) for c, sim in full]
            chunk_of = {**kw.by_id, **{c.id: c for c, _ in full}}
        t3 = time.perf_counter()
        keyword = kw.bm25.search(query, s.candidates)
        t4 = time.perf_counter()
        dense_ids = [cid for cid, _ in dense]
        kw_ids = [kw.chunks[i].id for i, _ in keyword]
        fused = rrf([(dense_ids, s.dense_weight), (kw_ids, s.bm25_weight)])
        dense_sim = dict(dense)
        kw_score = {kw.chunks[i].id: sc for i, sc in keyword}
        best = sorted(fused, key=lambda cid: -fused[cid])[: s.top_k]
        out = [
            Passage(
                chunk=chunk_of[cid],
                score=fused[cid],
                dense=dense_sim.get(cid, 0.0),
                bm25=kw_score.get(cid, 0.0),
            )
            for cid in best
        ]
        t5 = time.perf_counter()
        t.update(refresh=t1 - t0, dense=t3 - t2, bm25=t4 - t3, fusion=t5 - t4)
        return out
