"""Ingest: load, chunk, embed and upsert a corpus, incrementally and crash-safely.

Each file's chunks carry its content hash and chunk count. A file is
"unchanged" when the store holds exactly its complete set of chunks for the
current hash. New chunks are always written before stale ones are deleted, and
ids are deterministic, so a run killed at any point is finished by the next
run without duplicates or loss.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

from .chunking import chunk_lines
from .headings import with_headings
from .errors import CorpusMissingError, EmptyCorpusError
from .loaders import READER_VERSION, SkipFile, discover, file_hash, load
from .locators import attach
from .reader import reader_fingerprint
from .settings import Settings
from .store import Store
from .types import Chunk, FileResult, IngestReport

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
# Chunks per embedding+write round, within a file as across files: enough to
# keep both cores busy, and a bound on what one round holds (texts, vectors,
# Chroma's write). A whole 3,049-chunk spreadsheet in one round raised the
# ingest's peak RSS by 580 MB (bench/README.md, section 7).
_FLUSH_AT = 256


class _Writer:
    """Embeds and writes chunks in rounds of at most ``_FLUSH_AT``; deletes stale ids only after new ones are stored.

    A file's stale ids wait until every chunk added up to them is written, so
    a file with more chunks than a round keeps its old version until the new
    one is complete, whatever round a kill lands in.
    """

    def __init__(self, store: Store, embedder):
        self.store = store
        self.embedder = embedder
        self.pending: list[Chunk] = []
        self.added = 0  # chunks handed to add() so far
        self.written = 0  # of those, stored
        self.stale: list[tuple[int, list[str]]] = []  # (chunks to write first, ids)

    def add(self, chunks: list[Chunk], stale_ids: list[str]) -> None:
        self.pending.extend(chunks)
        self.added += len(chunks)
        if stale_ids:
            self.stale.append((self.added, list(stale_ids)))
        if len(self.pending) >= _FLUSH_AT:
            while len(self.pending) >= _FLUSH_AT:
                self._write(_FLUSH_AT)
            self._delete_ready()

    def flush(self) -> None:
        while self.pending:
            self._write(_FLUSH_AT)
        self._delete_ready()

    def _write(self, n: int) -> None:
        group = self.pending[:n]
        del self.pending[:n]
        # The store does not care about order; passages of like length share
        # an embedding batch with less padding.
        group.sort(key=lambda c: len(c.text))
        vecs = self.embedder.get_text_embedding_batch([c.text for c in group])
        self.store.upsert(group, vecs)
        self.written += len(group)

    def _delete_ready(self) -> None:
        ready = [i for need, ids in self.stale if need <= self.written for i in ids]
        if ready:
            self.store.delete(ready)
            self.stale = [(need, ids) for need, ids in self.stale if need > self.written]


def ingest(
    settings: Settings,
    store: Store,
    embedder,
    *,
    rebuild: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the store in line with ``settings.corpus_dir`` and report what changed.

    Bad files are skipped with a reason and never stop the others. A skipped
    file that was indexed before keeps its previous chunks.
    """
    t0 = time.perf_counter()
    root = Path(settings.corpus_dir)
    if not root.is_dir():
        raise CorpusMissingError(f"The corpus folder {root} does not exist.")
    files = discover(root)
    if not files:  # checked before --rebuild drops anything: an empty (or unmounted) folder keeps the index
        raise EmptyCorpusError(f"The corpus folder {root} has no documents.")
    report = IngestReport(dry_run=dry_run)
    if rebuild and not dry_run:
        store.reset()
    manifest = {} if (rebuild and dry_run) else store.manifest()
    # Chunk ids do not encode the chunk size or how a file was read, so a
    # changed size, overlap or reader (its code or its libraries:
    # assistant/reader.py) must re-chunk every file; the setting is recorded
    # once a run completes.
    chunking = f"{settings.chunk_tokens}/{settings.chunk_overlap}/reader {READER_VERSION}.{reader_fingerprint()}"
    rechunk = bool(manifest) and store.info("chunking", chunking) != chunking
    writer = _Writer(store, embedder)
    max_bytes = int(settings.max_file_mb * 1_000_000)
    present: set[str] = set()
    for done, (path, source) in enumerate(files, start=1):
        if progress:
            progress(done - 1, len(files), source)
        present.add(source)
        report.files.append(
            _one_file(path, source, manifest.get(source), settings, writer, max_bytes, dry_run, rechunk)
        )
    unlisted = tuple(s for s in present if s.endswith("/"))  # folders discover() could not read
    for source in sorted(set(manifest) - present):
        if source.startswith(unlisted):  # unseen, not deleted: keep what was indexed
            continue
        ids = [i for group in manifest[source]["ids"].values() for i in group]
        if not dry_run:
            writer.add([], ids)
        report.files.append(FileResult(source, "removed", chunks=len(ids)))
    if not dry_run:
        writer.flush()
        if store.info("chunking") != chunking:
            store.set_info(chunking=chunking)
    if progress:
        progress(len(files), len(files), "")
    report.seconds = time.perf_counter() - t0
    log.info("ingest: %s in %.1fs", report.summary(), report.seconds)
    return report


def _one_file(path: Path, source: str, entry: dict | None, settings: Settings, writer: _Writer, max_bytes: int,
              dry_run: bool, rechunk: bool = False) -> FileResult:
    try:
        digest = file_hash(path)
    except SkipFile as e:
        return FileResult(source, "skipped", reason=_kept(str(e), entry))
    except FileNotFoundError:
        return FileResult(source, "skipped", reason="file disappeared while indexing")
    except PermissionError:
        return FileResult(source, "skipped", reason=_kept("permission denied (make the file readable)", entry))
    except OSError as e:
        return FileResult(source, "skipped", reason=_kept(f"cannot read file ({e.strerror or e})", entry))
    stored = (entry or {}).get("ids", {})
    expected = (entry or {}).get("n_chunks", {})
    complete = not rechunk and digest in stored and len(stored[digest]) == expected.get(digest)
    others = [i for h, ids in stored.items() if h != digest for i in ids]
    if complete and not others:
        return FileResult(source, "unchanged", chunks=len(stored[digest]))
    # Only a complete earlier version makes this a change; a partial one is
    # what a killed first ingest left behind.
    status = "changed" if any(len(ids) == expected.get(h) for h, ids in stored.items()) else "added"
    if complete:  # a previous run wrote the new version but died before cleaning up
        if not dry_run:
            writer.add([], others)
        return FileResult(source, status, chunks=len(stored[digest]))
    if dry_run:
        return FileResult(source, status)
    try:
        loaded = load(path, source, max_bytes, settings.max_sheet_rows)
    except SkipFile as e:
        return FileResult(source, "skipped", reason=_kept(str(e), entry))
    digest = loaded.file_hash  # the file may have changed since it was hashed
    chunks = chunk_lines(loaded.lines, source, digest, settings.chunk_tokens, settings.chunk_overlap, loaded.breaks)
    chunks = with_headings(attach(chunks, loaded.locs), loaded.lines)
    if not chunks:
        return FileResult(source, "skipped", reason=_kept("no text content", entry))
    # Everything stored for this file that the new chunks do not overwrite is
    # stale: older versions, and extra chunks of a differently chunked one.
    fresh = {c.id for c in chunks}
    writer.add(chunks, [i for ids in stored.values() for i in ids if i not in fresh])
    return FileResult(source, status, chunks=len(chunks), note="; ".join(loaded.notes))


def _kept(reason: str, entry: dict | None) -> str:
    return f"{reason}; its previously indexed version is kept" if entry else reason
