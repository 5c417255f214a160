"""The Chroma vector store: one small component, embedded or client-server.

Chunks are stored with deterministic ids and flat metadata. The collection's
own metadata records which embedder built it, so an index can never be
queried with vectors from a different model.

The embedded store (``PersistentClient`` in ``index_dir``) is for one process
at a time: another process sees its counts and metadata, but keeps serving
dense results from its own in-memory HNSW copy. Several processes (UI, CLI
ingest, API) share an index through a ``chroma run`` server (``chroma_url``).
"""
from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, Iterable, Iterator, Sequence

from .errors import EmbedderMismatchError, IndexWriteError, StoreUnavailableError
from .journal import WriteJournal
from .settings import Settings
from .types import Chunk

log = logging.getLogger(__name__)
_CHUNK_FIELDS = [f.name for f in fields(Chunk) if f.name not in ("id", "text")]
_BATCH = 1000  # Chroma caps a single add; stay well under it
# Reads page through the collection. Each get() has a fixed cost that grows
# with the collection (about 1.4 s at 1M chunks), so pages are large; SQLite's
# 32,766-variable limit on the ids of one page caps them.
_PAGE = 25_000


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
        _answers_in_time(settings.chroma_url, settings.chroma_timeout)
        try:
            client = chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=cfg)
        except Exception as e:  # chromadb raises plain ValueError/ConnectionError here
            raise StoreUnavailableError(f"Chroma server at {settings.chroma_url} is unreachable ({_short(e)}).") from None
        _limit_requests(client, settings.chroma_timeout)
        return client
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=cfg)
    except OSError as e:
        raise IndexWriteError(f"Cannot open the index folder {settings.index_dir} ({_short(e)}).") from None


_TIMEOUT_FIX = "check that the Chroma server is running and not overloaded, or raise ASSISTANT_CHROMA_TIMEOUT."


def _answers_in_time(url: str, timeout: float) -> None:
    """Fail fast on a server that accepts connections but never answers.

    chromadb's HttpClient sends its first request while it is being built,
    with no timeout at all, so a hung (not down) server would hang us there.
    A server that is down is left to chromadb, whose error says so.
    """
    import socket
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/api/v2/heartbeat", timeout=timeout):
            return
    except (OSError, ValueError) as e:  # URLError is an OSError; it wraps a timeout in .reason
        if not isinstance(e, (TimeoutError, socket.timeout)) and not isinstance(getattr(e, "reason", None), (TimeoutError, socket.timeout)):
            return
    raise StoreUnavailableError(f"Chroma server at {url} did not answer within {timeout:g} s.", fix=_TIMEOUT_FIX)


def _limit_requests(client, timeout: float) -> None:
    """Give every later request a timeout (chromadb's own HTTP session has none)."""
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(timeout)
    except Exception:  # another chromadb layout: keep its default rather than fail
        log.debug("could not set a timeout on the Chroma HTTP session", exc_info=True)


_QUIET_NS = 1_000_000_000  # see Store._quiet_stamp


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
        self._db_file = _sqlite_file(client)

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
            if not _missing(e):
                raise _store_error(e, "open the collection") from None
            meta = {"hnsw:space": "cosine", "embedder": self.embedder_id, "dim": self.dim}
            try:
                col = self.client.get_or_create_collection(self.name, metadata=meta, embedding_function=None)
            except Exception as e2:
                raise _store_error(e2, "create the collection") from None
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
            if not _missing(e):
                raise _store_error(e, "drop the collection") from None
        self._col = None
        try:
            self._journal.bump()  # readers elsewhere must drop their keyword index too
        except Exception as e:
            raise _store_error(e, "record the write") from None

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
                        metadatas=[{**c.metadata(), "indexed_at": stamp} for c in part],
                        embeddings=[list(map(float, e)) for e in embeddings[i : i + _BATCH]],
                    )
                except Exception as e:
                    raise _store_error(e, "write chunks") from None

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
                    raise _store_error(e, "delete chunks") from None

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
            raise _store_error(e, "record the write") from None

    def info(self, key: str, default: Any = None) -> Any:
        """A value recorded in the collection's metadata (e.g. how it was chunked), read fresh."""
        self.col  # opens the collection and checks its embedder, once
        try:
            meta = self.client.get_collection(self.name, embedding_function=None).metadata or {}
        except Exception as e:
            raise _store_error(e, "read the collection") from None
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
                raise _store_error(e, "record the index settings") from None

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Per source: the ids stored, grouped by file hash, and each hash's expected chunk count."""
        out: dict[str, dict[str, Any]] = {}
        for cid, meta in self._scan(include=["metadatas"]):
            entry = out.setdefault(meta["source"], {"ids": {}, "n_chunks": {}})
            entry["ids"].setdefault(meta["file_hash"], []).append(cid)
            entry["n_chunks"][meta["file_hash"]] = int(meta["n_chunks"])
            entry["indexed_at"] = max(entry.get("indexed_at", 0.0), float(meta.get("indexed_at") or 0.0))
        return out

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk (used to build the BM25 index and list files)."""
        return [to_chunk(cid, doc, meta) for cid, meta, doc in self._scan(include=["metadatas", "documents"])]

    def _scan(self, include: list[str]):
        offset, page = 0, _PAGE
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

    def nearest(self, embedding: Sequence[float], n: int) -> list[tuple[str, float]]:
        """Ids of the ``n`` nearest chunks with cosine similarity.

        Like :meth:`query` without documents and metadata, which cost most of
        a query's time: for callers that already hold the chunks.
        """
        self._check_dim([embedding])
        try:
            res = self.col.query(query_embeddings=[list(map(float, embedding))], n_results=n, include=["distances"])
        except (EmbedderMismatchError, StoreUnavailableError):
            raise
        except Exception as e:
            raise _store_error(e, "search") from None
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0])]

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
        database file is untouched: see :meth:`_quiet_stamp`.
        """
        stamp = self._quiet_stamp()
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

    def _quiet_stamp(self) -> tuple[int, int, int] | None:
        """(mtime, size, inode) of the embedded store's SQLite file, if it has been quiet.

        Every Chroma write, from any process, goes through that file and moves
        its mtime; reads never do. So an unchanged stamp means an unchanged
        collection, and the check costs one ``stat`` instead of a journal read.
        As git does for its index, a file written within the last second is
        not trusted: on a file system with coarse timestamps a second write
        in the same tick would leave the stamp as it was. ``None`` (check the
        collection) for a server, or when the file cannot be read.
        """
        path = self._db_file
        if not path:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if time.time_ns() - st.st_mtime_ns < _QUIET_NS:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read_fingerprint(self) -> tuple:
        col = self.col  # opens the collection and checks its embedder, once
        try:
            journal = self._journal.state()
        except Exception as e:
            raise _store_error(e, "read the write journal") from None
        if journal != self._seen_journal:
            try:
                fresh = self.client.get_collection(self.name, embedding_function=None)
            except Exception as e:
                if _missing(e):  # dropped by another process; the next use recreates it
                    self._col = None
                    return ("", *journal, 0)
                raise _store_error(e, "read the collection") from None
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
                raise _store_error(e, "count chunks") from None
        return (str(col.id), gen, marks, n)


def _sqlite_file(client) -> str | None:
    """The SQLite file behind an embedded (persistent) client; None for a server."""
    try:
        cfg = client.get_settings()
    except Exception:
        return None
    if not getattr(cfg, "is_persistent", False) or not getattr(cfg, "persist_directory", None):
        return None
    return os.path.join(cfg.persist_directory, "chroma.sqlite3")


def to_chunk(cid: str, doc: str, meta: dict) -> Chunk:
    kw = {k: meta[k] for k in _CHUNK_FIELDS if k in meta}  # optional fields (locs) are left out when empty
    return Chunk(id=cid, text=doc, **kw)


def _short(e: Exception) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:160]


def _missing(e: Exception) -> bool:
    msg = str(e).lower()
    return "does not exist" in msg or "not found" in msg


def _store_error(e: Exception, doing: str):
    msg = str(e).lower()
    if isinstance(e, TimeoutError) or "timed out" in msg or "timeout" in type(e).__name__.lower():
        return StoreUnavailableError(f"The vector store did not answer in time while trying to {doing}.", fix=_TIMEOUT_FIX)
    if isinstance(e, OSError) or any(w in msg for w in ("disk", "no space", "readonly", "read-only", "permission")):
        return IndexWriteError(f"Could not {doing} in the index ({_short(e)}).")
    log.debug("chroma error while trying to %s", doing, exc_info=True)
    return StoreUnavailableError(f"The vector store failed to {doing} ({_short(e)}).")
