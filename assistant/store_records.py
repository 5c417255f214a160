"""Chunks as Chroma records: flat metadata in, :class:`Chunk` out, and the manifest.

A chunk's id and text are the record's id and document; every other field
of :class:`Chunk` is a flat metadata key, with ``indexed_at`` added on write.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Iterable, Iterator

from .types import Chunk

_CHUNK_FIELDS = [f.name for f in fields(Chunk) if f.name not in ("id", "text")]


def to_metadata(chunk: Chunk, indexed_at: float) -> dict[str, Any]:
    """A chunk's record metadata, stamped with when it was written."""
    return {**chunk.metadata(), "indexed_at": indexed_at}


def to_chunk(cid: str, doc: str, meta: dict) -> Chunk:
    """The chunk stored as record ``cid`` with document ``doc`` and metadata ``meta``."""
    kw = {k: meta[k] for k in _CHUNK_FIELDS if k in meta}  # optional fields (locs, heads) are left out when empty
    return Chunk(id=cid, text=doc, **kw)


def rows_of(got: dict) -> Iterator[tuple]:
    """The records of one ``get()`` page: (id, metadata), or (id, metadata, document) when documents were asked for."""
    ids = got["ids"]
    metas = got.get("metadatas") or [None] * len(ids)
    docs = got.get("documents")
    for j, cid in enumerate(ids):
        yield (cid, metas[j]) if docs is None else (cid, metas[j], docs[j])


def hits_of(res: dict) -> list[tuple[Chunk, float]]:
    """The chunks of a one-embedding ``query()`` result, each with its cosine similarity."""
    out = []
    for cid, doc, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0]):
        out.append((to_chunk(cid, doc, meta), 1.0 - float(dist)))
    return out


def manifest_of(records: Iterable[tuple[str, dict]]) -> dict[str, dict[str, Any]]:
    """Per source, from (id, metadata) records: the ids grouped by file hash, each hash's expected chunk count, and when it was last indexed."""
    out: dict[str, dict[str, Any]] = {}
    for cid, meta in records:
        entry = out.setdefault(meta["source"], {"ids": {}, "n_chunks": {}})
        entry["ids"].setdefault(meta["file_hash"], []).append(cid)
        entry["n_chunks"][meta["file_hash"]] = int(meta["n_chunks"])
        entry["indexed_at"] = max(entry.get("indexed_at", 0.0), float(meta.get("indexed_at") or 0.0))
    return out
