"""The write journal: how readers learn, in one small read, that the store changed.

BM25 lives in each process's memory, so every reader must notice every write
to the shared collection, whoever made it. Counting the collection is the
obvious check, but a count is a scan: 3 ms at 10k chunks on a ``chroma run``
server and ~30 ms at 100k, paid on every question.

Instead each write is bracketed in a tiny side collection, ``<name>-writes``:

- before writing, the writer adds a *busy mark* (one record per write call);
- after a successful write it stores a fresh random *generation* and
  removes its mark; a failed write leaves its mark.

A reader's check is one read of that side collection: (generation, marks).
Any finished write changes the generation. A write in progress, a failed
one, or one whose writer died leaves a mark, and while a mark is there the
reader adds the collection's count to its check, as only the count can show
rows written by a writer that never finished. Marks older than an hour are
swept by the next successful write. Records, not collection
metadata: Chroma replaces metadata whole, so two writers updating it at once
could erase each other's marks, while separate records cannot collide.
"""
from __future__ import annotations

import logging
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

log = logging.getLogger(__name__)

SUFFIX = "-writes"
_GEN = "generation"
_BUSY = "busy:"
_STALE_S = 3600  # a mark this old belongs to a writer that died: one write call takes seconds
_DUMMY = [0.0]  # Chroma records need a vector; the journal never searches


class WriteJournal:
    """The side collection that records writes to one chunk collection."""

    def __init__(self, client, name: str):
        self.client = client
        self.name = name + SUFFIX
        self._col = None
        self._left: list[str] = []  # marks of this process's failed writes, removed by its next good one

    @property
    def col(self):
        if self._col is None:
            self._col = self.client.get_or_create_collection(self.name, embedding_function=None)
        return self._col

    def state(self) -> tuple[str, tuple[str, ...]]:
        """(generation, busy marks) as stored now."""
        try:
            records = self._records()
        except Exception as e:
            if "does not exist" not in str(e).lower():
                raise
            self._col = None  # dropped by hand; recreate it
            records = self._records()
        gen = str((records.get(_GEN) or {}).get("value", ""))
        return gen, tuple(sorted(rid for rid in records if rid.startswith(_BUSY)))

    def _records(self) -> dict[str, dict]:
        got = self.col.get(include=["metadatas"])
        return {rid: meta or {} for rid, meta in zip(got["ids"], got["metadatas"] or [None] * len(got["ids"]))}

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Bracket one write to the chunk collection (see the module docstring)."""
        mark = _BUSY + uuid.uuid4().hex
        self.col.upsert(ids=[mark], embeddings=[_DUMMY], metadatas=[{"since": time.time()}])
        try:
            yield
        except BaseException:
            # A failed write may have left some rows: its mark stays, so
            # readers count, and this process's next good write removes it.
            # No record operation now: right after a failed write (a full
            # disk) the embedded Chroma blocks on one. A collection-level
            # write, though, is what lets this process write again later:
            # without it the next ingest in the same process hung (measured).
            self._left.append(mark)
            try:
                self.col.modify(metadata={"last_failure": time.time()})
            except Exception:
                log.debug("could not record a failed write", exc_info=True)
            raise
        self._finish(mark)

    def bump(self) -> None:
        """Record a change that is not a chunk write (the collection was dropped)."""
        self.col.upsert(ids=[_GEN], embeddings=[_DUMMY], metadatas=[{"value": uuid.uuid4().hex}])

    def _finish(self, mark: str) -> None:
        # Generation first, marks second: a writer killed in between leaves its
        # mark, which only costs readers a count, never a missed write.
        self.bump()
        self.col.delete(ids=[mark, *self._left, *self._stale_marks()])
        self._left.clear()

    def _stale_marks(self) -> list[str]:
        try:
            records = self._records()
        except Exception:
            log.debug("could not list old write marks", exc_info=True)
            return []
        cutoff = time.time() - _STALE_S
        return [rid for rid, meta in records.items() if rid.startswith(_BUSY) and float(meta.get("since", 0.0)) < cutoff]
