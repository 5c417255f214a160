"""The public Python API: one :class:`Assistant` used by the CLI, UI, evals and embedding apps."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answer import AnswerEngine, AnswerStream
from .ingest import Progress, ingest
from .settings import Settings
from .types import Answer, IngestReport


@dataclass(frozen=True)
class IndexedFile:
    source: str
    chunks: int


@dataclass(frozen=True)
class FileDetail:
    source: str
    chunks: int
    indexed_at: float | None  # epoch seconds; None for indexes written before this was recorded


@dataclass(frozen=True)
class SourceContext:
    """A window of a source file around cited lines (see :meth:`Assistant.source_context`)."""

    source: str
    start_line: int  # the cited range, 1-based inclusive
    end_line: int
    first_line: int  # line number of ``lines[0]``
    lines: list[str]
    # Where the format has its own numbers, what each line's number column shows
    # (its line on the PDF page, its sheet row, its paragraph); None: the line numbers.
    gutter: list[str] | None = None


class Assistant:
    """Chat with a folder of documents.

    >>> bot = Assistant()                      # corpus/, index/, offline models
    >>> bot.ingest().summary()                 # doctest: +SKIP
    >>> bot.ask("When was Xiaomi founded?")    # doctest: +SKIP

    Collaborators are built lazily from ``settings`` unless injected:
    ``embedder`` (a llama-index embedding), ``generator``
    (:class:`~assistant.providers.llms.Generator`) and ``store``
    (:class:`~assistant.store.Store`).
    """

    def __init__(self, settings: Settings | None = None, *, embedder=None, generator=None, store=None, client=None):
        self.settings = settings or Settings.load()
        self._embedder = embedder
        self._generator = generator
        self._generator_set = generator is not None
        self._store = store
        self._client = client
        self._retriever = None
        self._lock = threading.RLock()

    # -- collaborators, built once, on first use --------------------------------
    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from .providers.embeddings import build_embedder

                self._embedder = build_embedder(self.settings)
            return self._embedder

    @property
    def store(self):
        with self._lock:
            if self._store is None:
                from .providers.embeddings import embedder_id
                from .store import Store, make_client

                self._client = self._client or make_client(self.settings)
                self._store = Store(
                    self._client,
                    self.settings.collection,
                    embedder_id(self.settings),
                    lambda: len(self.embedder.get_text_embedding("dimension probe")),
                )
            return self._store

    @property
    def generator(self):
        with self._lock:
            if not self._generator_set:
                from .providers.llms import build_generator

                self._generator = build_generator(self.settings)
                self._generator_set = True
            return self._generator

    @property
    def engine(self) -> AnswerEngine:
        with self._lock:
            if self._retriever is None:
                from .retrieve import HybridRetriever

                self._retriever = HybridRetriever(self.store, self.embedder, self.settings)
            return AnswerEngine(self._retriever, self.embedder, self.generator, self.settings)

    # -- the API ------------------------------------------------------------------
    def ingest(self, *, rebuild: bool = False, dry_run: bool = False, progress: Progress | None = None) -> IngestReport:
        """Index the corpus folder incrementally; see :func:`assistant.ingest.ingest`."""
        return ingest(self.settings, self.store, _LazyEmbedder(self), rebuild=rebuild, dry_run=dry_run, progress=progress)

    def ask(self, question: str, history: list | None = None) -> Answer:
        """Answer one question (with optional chat history) from the documents."""
        return self.engine.ask(question, history)

    def stream(self, question: str, history: list | None = None) -> AnswerStream:
        """Stream an answer: iterate for text deltas, then read ``.answer``."""
        return self.engine.stream(question, history)

    def files(self) -> list[IndexedFile]:
        """Indexed files with their chunk counts."""
        counts: dict[str, int] = {}
        for source, entry in self.store.manifest().items():
            counts[source] = sum(len(v) for v in entry["ids"].values())
        return [IndexedFile(s, n) for s, n in sorted(counts.items())]

    def remove(self, source: str) -> int:
        """Remove one file's chunks from the index; returns how many were removed."""
        entry = self.store.manifest().get(source)
        ids = [i for group in (entry or {}).get("ids", {}).values() for i in group]
        self.store.delete(ids)
        return len(ids)

    def with_settings(self, **changes: Any) -> "Assistant":
        """A new assistant with some settings changed, reusing what still fits.

        The embedder and store are kept unless an embedding or index setting
        changed; the LLM is kept unless an LLM setting changed.
        """
        new = self.settings.replace(**changes)
        changed = {k for k, v in new.as_dict().items() if getattr(self.settings, k) != v}
        a = Assistant(
            new,
            embedder=None if changed & _EMBED_KEYS else self._embedder,
            store=None if changed & (_EMBED_KEYS | _STORE_KEYS) else self._store,
        )
        if not changed & _LLM_KEYS:
            a._generator, a._generator_set = self._generator, self._generator_set
        return a

    # -- additions for the chat UI ------------------------------------------------
    def file_details(self) -> list["FileDetail"]:
        """Indexed files with chunk counts and when their current version was indexed."""
        out = []
        for source, entry in sorted(self.store.manifest().items()):
            n = sum(len(v) for v in entry["ids"].values())
            out.append(FileDetail(source, n, entry.get("indexed_at") or None))
        return out

    def source_context(self, source: str, start_line: int, end_line: int, around: int = 3) -> "SourceContext | None":
        """The lines ``start_line..end_line`` of an indexed file with ``around`` lines either side.

        Lines are numbered as in citations (the loader's text, so HTML and PDF
        work too). For a PDF, slide deck, workbook or Word file the window is
        the cited page, slide, section or rows (never crossing into the next
        one), and ``gutter`` gives their own numbers. None when the file is
        gone, outside the corpus folder, or no longer the version that was
        indexed (its line numbers would be wrong).
        """
        from .loaders import SkipFile, load
        from .locators import gutter, window

        root = Path(self.settings.corpus_dir).resolve()
        path = (root / source).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        try:
            loaded = load(path, source, int(self.settings.max_file_mb * 1_000_000), self.settings.max_sheet_rows)
        except SkipFile:
            return None
        entry = self.store.manifest().get(source)
        if entry is None or loaded.file_hash not in entry["ids"]:
            return None
        lines = [ln.rstrip("\r\n") for ln in loaded.lines]
        if not 1 <= start_line <= end_line <= len(lines):
            return None
        if loaded.locs:
            first, last = window(loaded.locs, start_line, end_line, around)
            return SourceContext(source, start_line, end_line, first, lines[first - 1 : last],
                                 [gutter(loc) for loc in loaded.locs[first - 1 : last]])
        first = max(1, start_line - around)
        last = min(len(lines), end_line + around)
        return SourceContext(source, start_line, end_line, first, lines[first - 1 : last])


class _LazyEmbedder:
    """Loads the embedding model only when ingest really has text to embed."""

    def __init__(self, bot: Assistant):
        self._bot = bot

    def get_text_embedding_batch(self, texts, **kw):
        return self._bot.embedder.get_text_embedding_batch(texts, **kw)


_EMBED_KEYS = {"embed_backend", "embed_model", "embed_batch_size", "openai_base_url", "openai_api_key"}
_STORE_KEYS = {"index_dir", "chroma_url", "collection"}
_LLM_KEYS = {"backend", "llm_model_path", "llm_context", "llm_threads", "max_new_tokens", "temperature",
             "openai_base_url", "openai_api_key", "openai_model", "llm_timeout", "llm_retries"}
