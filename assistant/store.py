"""The Chroma vector store: one small component, embedded or client-server.

Chunks are stored with deterministic ids and flat metadata. The collection's
own metadata records which embedder built it, so an index can never be
queried with vectors from a different model.

The embedded store (``PersistentClient`` in ``index_dir``) is for one process
at a time: another process sees its counts and metadata, but keeps serving
dense results from its own in-memory HNSW copy, and cannot read back the
vectors it did not write (so the retriever's exact search falls back to HNSW). Several processes (UI, CLI
ingest, API) share an index through a ``chroma run`` server (``chroma_url``).
The client is built in :mod:`assistant.chroma_client`; records, :mod:`assistant.store_records`.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from .chroma_client import is_missing, make_client, quiet_stamp, sqlite_file, store_error
from .errors import EmbedderMismatchError, IndexWriteError, StoreUnavailableError
from .journal import WriteJournal
from .store_records import hits_of, manifest_of, rows_of, to_chunk, to_metadata
from .types import Chunk

__all__ = ["Store", "make_client", "to_chunk"]

_BATCH = 1000  # Chroma caps a single add; stay well under it
# Reads page through the collection. Each get() has a fixed cost that grows
# with the collection (about 1.4 s at 1M chunks), so pages are large; SQLite's
# 32,766-variable limit on the ids of one page caps them.
_PAGE = 25_000


class Store:
    """One Chroma collection of chunks built by one embedder."""

    def __init__(self, client, name: str, embedder_id: str, dim):
        """``dim`` is the embedding size, or a callable giving it: a callable is
        only called when a new collection is created, so opening an existing
        index (an unchanged re-ingest, say) never loads the embedding model."""
        self.client = client
        self.name = name
        self.embedder_id = embedder_id
        self._dim = dim
        self._col = None
        self._fp_cache: tuple[tuple, tuple] | None = None  # (file stamp, fingerprint)
        self._journal = WriteJournal(client, name)
        self._seen_journal: tuple | None = None  # journal state when the handle was last checked
        self._db_file = sqlite_file(client)

    @property
    def dim(self) -> int:
        if callable(self._dim):
            self._dim = int(self._dim())
        return self._dim

    @property
    def col(self):
        if self._col is None:
            self._col = self._open()
        return self._col

    def _open(self):
        try:
            col = self.client.get_collection(self.name, embedding_function=None)
        except Exception as e:
            if not is_missing(e):
                raise store_error(e, "open the collection") from None
            meta = {"hnsw:space": "cosine", "embedder": self.embedder_id, "dim": self.dim}
            try:
                col = self.client.get_or_create_collection(self.name, metadata=meta, embedding_function=None)
            except Exception as e2:
                raise store_error(e2, "create the collection") from None
        have = col.metadata or {}
        if have.get("embedder") != self.embedder_id:
            # Name the dimension only if known: working it out would load the
            # configured model, which may not even exist.
            dim = "" if callable(self._dim) else f" (dim {self._dim})"
            raise EmbedderMismatchError(
                f"The index was built with {have.get('embedder')} (dim {have.get('dim')}), "
                f"but the settings use {self.embedder_id}{dim}."
            )
        return col

    def reset(self) -> None:
        """Drop the collection (``--rebuild``); the next use recreates it empty."""
        try:
            self.client.delete_collection(self.name)
        except Exception as e:  # missing collection is fine; anything else is not
            if not is_missing(e):
                raise store_error(e, "drop the collection") from None
        self._col = None
        try:
            self._journal.bump()  # readers elsewhere must drop their keyword index too
        except Exception as e:
            raise store_error(e, "record the write") from None

    def count(self) -> int:
        try:
            return self.col.count()
        except (EmbedderMismatchError, StoreUnavailableError):
            raise
        except Exception as e:
            raise store_error(e, "count chunks") from None

    def upsert(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Write chunks; ids are deterministic, so a repeated write never duplicates."""
        self._check_dim(embeddings)
        if not chunks:
            return
        stamp = time.time()  # shown as "last indexed" in the UI
        with self._writing():
            for i in range(0, len(chunks), _BATCH):
                part = chunks[i : i + _BATCH]
                try:
                    self.col.upsert(
                        ids=[c.id for c in part],
                        documents=[c.text for c in part],
                        metadatas=[to_metadata(c, stamp) for c in part],
                        embeddings=[list(map(float, e)) for e in embeddings[i : i + _BATCH]],
                    )
                except Exception as e:
                    raise store_error(e, "write chunks") from None

    def delete(self, ids: Iterable[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""
        ids = list(ids)
        if not ids:
            return
        with self._writing():
            for i in range(0, len(ids), _BATCH):
                try:
                    self.col.delete(ids=ids[i : i + _BATCH])
                except Exception as e:
                    raise store_error(e, "delete chunks") from None

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Record a write in the journal (see :meth:`fingerprint`), with journal failures as store errors."""
        self.col  # open (and check) the collection before marking anything
        try:
            with self._journal.writing():
                yield
        except (EmbedderMismatchError, IndexWriteError, StoreUnavailableError):
            raise
        except Exception as e:
            raise store_error(e, "record the write") from None

    def info(self, key: str, default: Any = None) -> Any:
        """A value recorded in the collection's metadata (e.g. how it was chunked), read fresh."""
        self.col  # opens the collection and checks its embedder, once
        try:
            meta = self.client.get_collection(self.name, embedding_function=None).metadata or {}
        except Exception as e:
            raise store_error(e, "read the collection") from None
        return meta.get(key, default)

    def set_info(self, **values: str | int | float) -> None:
        """Record values in the collection's metadata."""
        with self._writing():
            # modify() replaces the whole metadata and refuses hnsw:* keys (the
            # distance lives on in the collection's configuration), so write
            # back the current keys, fresh from the store, with the new ones.
            try:
                current = self.client.get_collection(self.name, embedding_function=None).metadata or {}
                meta = {k: v for k, v in current.items() if not k.startswith("hnsw:")}
                meta.update(values)
                self.col.modify(metadata=meta)
            except Exception as e:
                raise store_error(e, "record the index settings") from None

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Per source: the ids stored, grouped by file hash, and each hash's expected chunk count."""
        return manifest_of(row for got in self._pages(["metadatas"]) for row in rows_of(got))

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk (used to build the BM25 index and list files)."""
        return [to_chunk(cid, doc, meta) for got in self._pages(["metadatas", "documents"]) for cid, meta, doc in rows_of(got)]

    def chunks_with_vectors(self) -> tuple[list[Chunk], np.ndarray]:
        """Every stored chunk and, in row ``i``, chunk ``i``'s stored embedding (for exact search)."""
        chunks, parts = [], []
        for got in self._pages(["metadatas", "documents", "embeddings"]):
            chunks.extend(to_chunk(cid, doc, meta) for cid, meta, doc in rows_of(got))
            parts.append(np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1))
        return chunks, (np.concatenate(parts) if parts else np.zeros((0, 0), np.float32))

    def _pages(self, include: list[str]) -> Iterator[dict]:
        offset, page = 0, _PAGE
        while True:
            try:
                got = self.col.get(include=include, limit=page, offset=offset)
            except (EmbedderMismatchError, StoreUnavailableError):
                raise
            except Exception as e:
                raise store_error(e, "read chunks") from None
            n = len(got["ids"])
            if n:
                yield got
            offset += n
            if n < page:
                return

    def query(self, embedding: Sequence[float], n: int) -> list[tuple[Chunk, float]]:
        """The ``n`` nearest chunks with cosine similarity."""
        return hits_of(self._search(embedding, n, ["metadatas", "documents", "distances"]))

    def nearest(self, embedding: Sequence[float], n: int) -> list[tuple[str, float]]:
        """Ids of the ``n`` nearest chunks with cosine similarity.

        Like :meth:`query` without documents and metadata, which cost most of
        a query's time: for callers that already hold the chunks.
        """
        res = self._search(embedding, n, ["distances"])
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0])]

    def _search(self, embedding: Sequence[float], n: int, include: list[str]) -> dict:
        """Chroma's (approximate, HNSW) answer for one embedding."""
        self._check_dim([embedding])
        try:
            return self.col.query(query_embeddings=[list(map(float, embedding))], n_results=n, include=include)
        except (EmbedderMismatchError, StoreUnavailableError):
            raise
        except Exception as e:
            raise store_error(e, "search") from None

    def _check_dim(self, vectors) -> None:
        if not vectors:
            return
        want = int((self.col.metadata or {}).get("dim", -1))
        if len(vectors[0]) != want:
            raise EmbedderMismatchError(
                f"The index holds {want}-dimensional vectors, but the embedder gives {len(vectors[0])}."
            )

    def fingerprint(self) -> tuple:
        """A cheap token that changes whenever the collection's content changes.

        BM25 lives in process memory; comparing this before each query keeps it
        consistent with a store that other processes may be writing. It is
        (collection id, journal generation, busy marks, count or -1), read
        from the write journal (:mod:`assistant.journal`):

        - every finished write, by any process, stores a new generation;
        - a write in progress, or one whose writer was killed, leaves a busy
          mark, and only then is the collection counted: a count is a scan
          that grows with the collection, so it stays off the usual path;
        - when the journal moved since this handle last looked, the
          collection is looked up again by name, so a collection dropped
          and rebuilt by another process (``ingest --rebuild``) is reopened.

        Readers take the fingerprint *before* reading chunks, so a write that
        lands in between only causes one extra rebuild, never a stale index.
        On the embedded store even the journal read is skipped while the
        database file is untouched: see :func:`~assistant.chroma_client.quiet_stamp`.
        """
        stamp = quiet_stamp(self._db_file)  # None for a server
        cached = self._fp_cache
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        fp = self._read_fingerprint()
        self._fp_cache = (stamp, fp) if stamp is not None else None
        return fp

    @property
    def check_is_cheap(self) -> bool:
        """Whether :meth:`fingerprint` is usually a local ``stat`` (embedded) rather than HTTP calls (server)."""
        return self._db_file is not None

    def _read_fingerprint(self) -> tuple:
        col = self.col  # opens the collection and checks its embedder, once
        try:
            journal = self._journal.state()
        except Exception as e:
            raise store_error(e, "read the write journal") from None
        if journal != self._seen_journal:
            try:
                fresh = self.client.get_collection(self.name, embedding_function=None)
            except Exception as e:
                if is_missing(e):  # dropped by another process; the next use recreates it
                    self._col = None
                    return ("", *journal, 0)
                raise store_error(e, "read the collection") from None
            if fresh.id != col.id:  # rebuilt by another process: re-check the embedder
                self._col = None
                col = self.col
            self._seen_journal = journal
        gen, marks = journal
        n = -1
        if marks:  # a write in flight or cut short: only the count shows its rows
            try:
                n = col.count()
            except Exception as e:
                raise store_error(e, "count chunks") from None
        return (str(col.id), gen, marks, n)
