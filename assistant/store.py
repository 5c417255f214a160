"""The Chroma vector store: one small component, embedded or client-server.

Chunks are stored with deterministic ids and flat metadata. The collection's
own metadata records which embedder built it, so an index can never be
queried with vectors from a different model.
"""
from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any, Iterable, Sequence

from .errors import EmbedderMismatchError, IndexWriteError, StoreUnavailableError
from .settings import Settings
from .types import Chunk

log = logging.getLogger(__name__)
_CHUNK_FIELDS = [f.name for f in fields(Chunk) if f.name not in ("id", "text")]
_BATCH = 1000  # Chroma caps a single add; stay well under it


def make_client(settings: Settings):
    """A Chroma client: HTTP when ``chroma_url`` is set, else persistent in ``index_dir``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cfg = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        u = urlparse(settings.chroma_url)
        if not u.hostname:
            from .errors import SettingsError

            raise SettingsError(f"Bad setting chroma_url={settings.chroma_url!r}: expected http://host:port.")
        try:
            return chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=cfg)
        except Exception as e:  # chromadb raises plain ValueError/ConnectionError here
            raise StoreUnavailableError(f"Chroma server at {settings.chroma_url} is unreachable ({_short(e)}).") from None
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=cfg)
    except OSError as e:
        raise IndexWriteError(f"Cannot open the index folder {settings.index_dir} ({_short(e)}).") from None


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
            if "does not exist" not in str(e).lower() and "not found" not in str(e).lower():
                raise _store_error(e, "open the collection") from None
            meta = {"hnsw:space": "cosine", "embedder": self.embedder_id, "dim": self.dim}
            try:
                col = self.client.get_or_create_collection(self.name, metadata=meta, embedding_function=None)
            except Exception as e2:
                raise _store_error(e2, "create the collection") from None
        have = col.metadata or {}
        if have.get("embedder") != self.embedder_id:
            raise EmbedderMismatchError(
                f"The index was built with {have.get('embedder')} (dim {have.get('dim')}), "
                f"but the settings use {self.embedder_id} (dim {self.dim})."
            )
        return col

    def reset(self) -> None:
        """Drop the collection (``--rebuild``); the next use recreates it empty."""
        try:
            self.client.delete_collection(self.name)
        except Exception as e:  # missing collection is fine; anything else is not
            if "does not exist" not in str(e).lower() and "not found" not in str(e).lower():
                raise _store_error(e, "drop the collection") from None
        self._col = None

    def count(self) -> int:
        try:
            return self.col.count()
        except (EmbedderMismatchError, StoreUnavailableError):
            raise
        except Exception as e:
            raise _store_error(e, "count chunks") from None

    def upsert(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Write chunks; ids are deterministic, so a repeated write never duplicates."""
        self._check_dim(embeddings)
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i : i + _BATCH]
            try:
                self.col.upsert(
                    ids=[c.id for c in part],
                    documents=[c.text for c in part],
                    metadatas=[c.metadata() for c in part],
                    embeddings=[list(map(float, e)) for e in embeddings[i : i + _BATCH]],
                )
            except Exception as e:
                raise _store_error(e, "write chunks") from None

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            try:
                self.col.delete(ids=ids[i : i + _BATCH])
            except Exception as e:
                raise _store_error(e, "delete chunks") from None

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Per source: the ids stored, grouped by file hash, and each hash's expected chunk count."""
        out: dict[str, dict[str, Any]] = {}
        for cid, meta in self._scan(include=["metadatas"]):
            entry = out.setdefault(meta["source"], {"ids": {}, "n_chunks": {}})
            entry["ids"].setdefault(meta["file_hash"], []).append(cid)
            entry["n_chunks"][meta["file_hash"]] = int(meta["n_chunks"])
        return out

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk (used to build the BM25 index and list files)."""
        return [to_chunk(cid, doc, meta) for cid, meta, doc in self._scan(include=["metadatas", "documents"])]

    def _scan(self, include: list[str]):
        offset, page = 0, 5000
        while True:
            try:
                got = self.col.get(include=include, limit=page, offset=offset)
            except (EmbedderMismatchError, StoreUnavailableError):
                raise
            except Exception as e:
                raise _store_error(e, "read chunks") from None
            ids = got["ids"]
            if not ids:
                return
            metas = got.get("metadatas") or [None] * len(ids)
            docs = got.get("documents")
            for j, cid in enumerate(ids):
                yield (cid, metas[j]) if docs is None else (cid, metas[j], docs[j])
            offset += len(ids)
            if len(ids) < page:
                return

    def query(self, embedding: Sequence[float], n: int) -> list[tuple[Chunk, float]]:
        """The ``n`` nearest chunks with cosine similarity."""
        self._check_dim([embedding])
        try:
            res = self.col.query(
                query_embeddings=[list(map(float, embedding))],
                n_results=n,
                include=["metadatas", "documents", "distances"],
            )
        except (EmbedderMismatchError, StoreUnavailableError):
            raise
        except Exception as e:
            raise _store_error(e, "search") from None
        out = []
        for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0]):
            out.append((to_chunk(cid, doc, meta), 1.0 - float(dist)))
        return out

    def _check_dim(self, vectors) -> None:
        if not vectors:
            return
        want = int((self.col.metadata or {}).get("dim", -1))
        if len(vectors[0]) != want:
            raise EmbedderMismatchError(
                f"The index holds {want}-dimensional vectors, but the embedder gives {len(vectors[0])}."
            )

    def fingerprint(self) -> tuple[int, str]:
        """A cheap token that changes whenever the collection's content changes.

        BM25 lives in process memory; comparing this before each query keeps it
        consistent with a store that other processes may be writing.
        """
        n = self.count()
        if n == 0:
            return (0, "")
        # Sorted ids would cost a full scan; ids embed file hashes, so the
        # newest-by-insertion page changes whenever any file is (re)written.
        try:
            head = self.col.get(include=[], limit=1, offset=max(0, n - 1))["ids"]
        except Exception as e:
            raise _store_error(e, "read chunks") from None
        return (n, head[0] if head else "")


def to_chunk(cid: str, doc: str, meta: dict) -> Chunk:
    kw = {k: meta[k] for k in _CHUNK_FIELDS}
    return Chunk(id=cid, text=doc, **kw)


def _short(e: Exception) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:160]


def _store_error(e: Exception, doing: str):
    msg = str(e).lower()
    if isinstance(e, OSError) or any(w in msg for w in ("disk", "no space", "readonly", "read-only", "permission")):
        return IndexWriteError(f"Could not {doing} in the index ({_short(e)}).")
    log.debug("chroma error while trying to %s", doing, exc_info=True)
    return StoreUnavailableError(f"The vector store failed to {doing} ({_short(e)}).")
