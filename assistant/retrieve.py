"""Hybrid retrieval: dense vectors from Chroma plus BM25, fused with RRF.

Dense search is exact over a snapshot of the stored vectors up to
``Settings.exact_search_chunks`` (:mod:`assistant.dense`), and Chroma's
approximate HNSW query above it.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from . import heap
from .bm25 import BM25, rrf
from .dense import ExactIndex
from .errors import EmptyIndexError, StoreUnavailableError
from .facts import proper_names
from .settings import Settings
from .store import Store
from .types import Chunk, Passage

log = logging.getLogger(__name__)


class _Snapshot(NamedTuple):
    """One consistent snapshot: the BM25 index, its chunks, their vectors (small indexes only) and the fingerprint it matches."""

    bm25: BM25
    chunks: list[Chunk]
    by_id: dict[str, Chunk]
    fp: tuple | None
    exact: ExactIndex | None = None  # None: dense search asks Chroma's HNSW index


class HybridRetriever:
    """Dense + BM25 retrieval over one store.

    BM25 lives in process memory. Before each query the store's
    :meth:`~assistant.store.Store.fingerprint` (read from the write journal,
    :mod:`assistant.journal`) is compared with the one the keyword index was
    built from, and the index is rebuilt when they differ, so several
    processes can share one Chroma server without serving a stale keyword
    index. A rebuild swaps one immutable snapshot, so a query running in
    another thread never mixes an old index with new chunks.
    """

    def __init__(self, store: Store, embedder, settings: Settings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._kw: _Snapshot | None = None
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._names: tuple[_Snapshot, frozenset[str]] | None = None

    def refresh(self) -> _Snapshot:
        """Rebuild the keyword index if the store changed since the last build."""
        fp = self.store.fingerprint()  # read before the chunks: a write in between only costs a rebuild
        kw = self._kw
        if kw is not None and kw.fp == fp:
            return kw
        with self._lock:
            kw = self._kw
            if kw is not None and kw.fp == fp:
                return kw
            chunks, exact = self._read_snapshot()
            kw = _Snapshot(BM25([c.text for c in chunks]), chunks, {c.id: c for c in chunks}, fp, exact)
            self._kw = kw
            heap.trim()  # the read's garbage: 10,000 chunks leave 168 MB behind, 34 MB after this
            return kw

    def _read_snapshot(self) -> tuple[list[Chunk], ExactIndex | None]:
        """Every chunk, with their vectors when the index is small enough to search exactly."""
        limit = self.settings.exact_search_chunks
        if limit <= 0 or self.store.count() > limit:  # the count is a cheap query; the vectors are not
            return self.store.all_chunks(), None
        try:
            chunks, vectors = self.store.chunks_with_vectors()
        except StoreUnavailableError as e:
            # An embedded store written by another process: this process's
            # Chroma cannot hand over the new vectors ("Error finding id"),
            # while ids and text still read. HNSW answers until it can; a
            # store that is really down fails the read below as well.
            log.warning("dense search is approximate for now: %s", e)
            return self.store.all_chunks(), None
        if not chunks or len(chunks) > limit:  # grown past the limit since the count
            return chunks, None
        return chunks, ExactIndex([c.id for c in chunks], vectors)

    @property
    def bm25(self) -> BM25:
        """The keyword index as of the last query (built now if there was none)."""
        kw = self._kw or self.refresh()
        return kw.bm25

    def corpus_names(self) -> frozenset[str]:
        """Lower-cased words the corpus writes capitalised inside a sentence (its proper names), per snapshot."""
        kw = self._kw or self.refresh()
        cached = self._names
        if cached is not None and cached[0] is kw:
            return cached[1]
        names = proper_names(c.text for c in kw.chunks)
        self._names = (kw, names)
        return names

    def _timed_refresh(self) -> tuple[_Snapshot, float]:
        t0 = time.perf_counter()
        kw = self.refresh()
        return kw, time.perf_counter() - t0

    def _timed_nearest(self, qvec, kw: _Snapshot | None = None) -> tuple[list[tuple[str, float]], float]:
        # Ids and distances only: the snapshot holds every chunk's text, and
        # fetching documents and metadata for all candidates costs more than
        # the search itself.
        t0 = time.perf_counter()
        if kw is not None and kw.exact is not None:
            dense = kw.exact.nearest(qvec, self.settings.candidates)
        else:
            dense = self.store.nearest(qvec, self.settings.candidates)
        return dense, time.perf_counter() - t0

    def _pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="store-check")
            return self._executor

    def retrieve(self, query: str, qvec=None, timings: dict[str, float] | None = None) -> list[Passage]:
        """The ``top_k`` best passages for ``query``, best first.

        ``qvec`` is the query's embedding when the caller already has it.
        """
        t = timings if timings is not None else {}
        s = self.settings
        if qvec is None:
            t0 = time.perf_counter()
            qvec = self.embedder.get_query_embedding(query)
            t["embed"] = time.perf_counter() - t0
        if self.store.check_is_cheap or self._kw is None or self._kw.exact is not None:
            kw, t["refresh"] = self._timed_refresh()
            dense, t["dense"] = self._timed_nearest(qvec, kw) if kw.chunks else ([], 0.0)
        else:
            # On a server the freshness check is an HTTP round trip: run it
            # beside the HNSW query, which does not depend on it (ids are
            # checked against the snapshot below), so the two waits overlap.
            # (Exact search needs the fresh snapshot, and costs about 1 ms.)
            pending = self._pool().submit(self._timed_refresh)
            try:
                dense, t["dense"] = self._timed_nearest(qvec)
            finally:
                kw, t["refresh"] = pending.result()  # re-raises a store error from the worker
        if not kw.chunks:
            raise EmptyIndexError("The index is empty.")
        chunk_of = kw.by_id
        if any(cid not in chunk_of for cid, _ in dense):  # written after the snapshot was read
            full = self.store.query(qvec, s.candidates)
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
        t.update(bm25=t4 - t3, fusion=t5 - t4)
        return out
