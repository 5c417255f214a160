"""One typed settings object, built once and passed down.

Precedence, lowest first: defaults, a TOML settings file, ``ASSISTANT_*``
environment variables, then explicit overrides (CLI flags, API keywords).
Every field documents itself; ``describe()`` feeds docs/settings.md (`make docs`).
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import SettingsError

_DEVICE = re.compile(r"cpu|cuda(:\d+)?|mps|auto")
_COLLECTION = re.compile(r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{1,503}[A-Za-z0-9]")

BACKENDS = ("local", "openai", "extractive")
EMBED_BACKENDS = ("local", "openai")
EMBED_RUNTIMES = ("auto", "onnx", "torch")


def _f(default: Any, doc: str, **kw: Any) -> Any:
    # Secrets stay out of repr(), so they cannot leak into logs or tracebacks.
    return field(default=default, repr=not kw.get("secret"), metadata={"doc": doc, **kw})


@dataclass(frozen=True)
class Settings:
    """All knobs of the assistant. Build with :meth:`load`."""

    corpus_dir: Path = _f(Path("corpus"), "Folder of documents to index (env ASSISTANT_CORPUS).", env="ASSISTANT_CORPUS")
    index_dir: Path = _f(Path("index"), "Folder of the embedded Chroma store (env ASSISTANT_INDEX).", env="ASSISTANT_INDEX")
    chroma_url: str = _f("", "URL of a `chroma run` server, e.g. http://127.0.0.1:8000. Empty: use the embedded store in index_dir.")
    chroma_timeout: float = _f(30.0, "Seconds before a request to the Chroma server (chroma_url) is abandoned.")
    collection: str = _f("corpus", "Chroma collection name.")
    # Chunking. ~180 tokens keeps a news paragraph or two together: small
    # enough for precise line citations, big enough to carry context.
    chunk_tokens: int = _f(180, "Target chunk size in tiktoken cl100k_base tokens.")
    chunk_overlap: int = _f(40, "Tokens of overlap carried from one chunk into the next.")
    max_file_mb: float = _f(20.0, "Files larger than this are skipped with a reason.")
    max_sheet_rows: int = _f(100_000, "Rows read from one spreadsheet (.xlsx, .xlsm, .csv), all sheets together; the rest are left out and the ingest report says how many. 100k rows of ~100 characters is ~10 MB of text.")
    # Retrieval.
    top_k: int = _f(5, "Passages given to the answer step.")
    candidates: int = _f(30, "Candidates fetched from each retriever (dense and BM25) before fusion.")
    exact_search_chunks: int = _f(10_000, "Up to this many chunks, dense search compares the question with every stored vector, held in process memory (15 MB at 10,000 chunks of 384 dimensions), and finds the true nearest chunks; above it, Chroma's approximate HNSW index answers. 0: always HNSW. At 10,000 chunks a brute-force search takes about 1 ms on 2 cores, less than an HNSW query (docs/reliability.md).")
    dense_weight: float = _f(1.0, "Weight of the dense ranking in reciprocal rank fusion.")
    bm25_weight: float = _f(1.0, "Weight of the BM25 ranking in reciprocal rank fusion.")
    refusal_threshold: float = _f(0.25, "Extractive backend only: the minimum probability (0..1) that the retrieved passages answer the question (assistant/gate.py's fitted model); below it the assistant refuses, and 0 never refuses. 0.25 is the cut-off with the best refusal recall minus false-refusal rate averaged over held-out folds (one corpus family left out of the fit at a time) on our own calibration sets of five styles (evals/calibration/weights.json), not tuned on the gold set.")
    # Models.
    embed_backend: str = _f("local", "Embeddings: `local` (sentence-transformers) or `openai` (OpenAI-compatible /embeddings).")
    embed_model: str = _f("", "sentence-transformers model path or name for `local`, model name for `openai`. Empty: the bundled all-MiniLM-L6-v2.")
    embed_batch_size: int = _f(64, "Texts per embedding batch.")
    embed_device: str = _f("cpu", "Device for `local` embeddings: `cpu`, `cuda`, `cuda:N`, `mps`, or `auto` (a GPU when torch sees one).")
    embed_runtime: str = _f("auto", "What runs `local` embeddings of questions and short texts: `onnx` (ONNX Runtime, about 3x faster on a CPU), `torch`, or `auto` (ONNX Runtime on the CPU when the model exports, else PyTorch; the one-shot `assistant ask` and `assistant ingest` stay on PyTorch). Ingest batches always use PyTorch.")
    cache_dir: str = _f("", "Folder for derived files such as the exported ONNX model. Empty: $XDG_CACHE_HOME/doc-assistant (~/.cache/doc-assistant).")
    backend: str = _f("extractive", "Answer backend: `local` (llama.cpp GGUF), `openai` (OpenAI-compatible server) or `extractive` (no generation).")
    llm_model_path: str = _f("", "GGUF file for the `local` backend. Empty: the bundled Gemma 3 270M Q4_K_M.")
    llm_context: int = _f(4096, "Context window (tokens) for the `local` backend.")
    llm_threads: int = _f(0, "CPU threads for llama.cpp; 0 means all cores.")
    llm_gpu_layers: int = _f(0, "Layers llama.cpp offloads to the GPU (needs a CUDA/Metal build of llama-cpp-python); -1 means all.")
    max_new_tokens: int = _f(200, "Maximum tokens generated per answer.")
    temperature: float = _f(0.0, "Sampling temperature; 0 is deterministic.")
    openai_base_url: str = _f("https://api.openai.com/v1", "Base URL of the OpenAI-compatible server (OpenAI, vLLM, Ollama, llama_cpp.server).", env="ASSISTANT_OPENAI_BASE_URL")
    openai_api_key: str = _f("", "API key; falls back to OPENAI_API_KEY. Never logged.", env="ASSISTANT_OPENAI_API_KEY", secret=True)
    openai_model: str = _f("gpt-4o-mini", "Chat model name on the OpenAI-compatible server.")
    llm_timeout: float = _f(60.0, "Seconds before an LLM request is abandoned.")
    llm_retries: int = _f(2, "Retries with backoff for failed LLM requests that are safe to retry.")
    answer_check: bool = _f(True, "Check generated answers against the passages; fall back to the extractive answer when the check fails.")
    # Serving: the chat UI and the HTTP API.
    host: str = _f("127.0.0.1", "Address the chat UI and the HTTP API bind to. Anything but a loopback address needs `auth` and `api_key` set.")
    port: int = _f(7860, "Port of the chat UI and the HTTP API (one server; `assistant api` serves the API alone on it).")
    auth: str = _f("", "`user:password` to protect the UI (use it when serving beyond localhost).", secret=True)
    api_key: str = _f("", "Key the HTTP API requires as `Authorization: Bearer <key>`. Empty: no key, allowed only on a loopback host. Never logged.", env="ASSISTANT_API_KEY", secret=True)

    @classmethod
    def load(
        cls,
        file: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> "Settings":
        """Build settings from defaults, a TOML file, the environment and overrides.

        ``file`` defaults to ``$ASSISTANT_SETTINGS`` or ``./assistant.toml`` if present.
        Unknown keys and values of the wrong type raise :class:`SettingsError`.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        path = file or env.get("ASSISTANT_SETTINGS") or ("assistant.toml" if Path("assistant.toml").is_file() else None)
        if path:
            values.update(_read_toml(Path(path)))
        for f in fields(cls):
            name = f.metadata.get("env") or f"ASSISTANT_{f.name.upper()}"
            if name in env and env[name] != "":
                values[f.name] = env[name]
        if "openai_api_key" not in values and env.get("OPENAI_API_KEY"):
            values["openai_api_key"] = env["OPENAI_API_KEY"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        """Coerce and validate a flat mapping of setting names to values."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise SettingsError(f"Unknown setting(s): {', '.join(unknown)}.", fix=f"use one of: {', '.join(known)}.")
        coerced = {k: _coerce(k, known[k].type, v) for k, v in values.items()}
        return cls(**coerced).validated()

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed, validated."""
        return Settings.from_mapping({**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def redacted(self) -> dict[str, Any]:
        """Settings safe to print or log: secrets masked."""
        return {
            f.name: ("***" if f.metadata.get("secret") and getattr(self, f.name) else getattr(self, f.name))
            for f in fields(self)
        }

    def validated(self) -> "Settings":
        def bad(name: str, why: str) -> SettingsError:
            shown = "***" if self.__dataclass_fields__[name].metadata.get("secret") else repr(getattr(self, name))
            return SettingsError(f"Bad setting {name}={shown}: {why}.")  # an error message must not echo a password

        if self.backend not in BACKENDS:
            raise bad("backend", f"must be one of {', '.join(BACKENDS)}")
        if self.embed_backend not in EMBED_BACKENDS:
            raise bad("embed_backend", f"must be one of {', '.join(EMBED_BACKENDS)}")
        if self.embed_runtime not in EMBED_RUNTIMES:
            raise bad("embed_runtime", f"must be one of {', '.join(EMBED_RUNTIMES)}")
        if self.chunk_tokens < 16:
            raise bad("chunk_tokens", "must be at least 16")
        if not 0 <= self.chunk_overlap < self.chunk_tokens:
            raise bad("chunk_overlap", "must be between 0 and chunk_tokens - 1")
        for name in ("top_k", "candidates", "embed_batch_size", "max_new_tokens", "llm_context", "port", "max_sheet_rows"):
            if getattr(self, name) < 1:
                raise bad(name, "must be a positive integer")
        if self.exact_search_chunks < 0:
            raise bad("exact_search_chunks", "must be 0 (always approximate search) or more")
        if self.candidates < self.top_k:
            raise bad("candidates", "must be at least top_k")
        for name in ("max_file_mb", "llm_timeout", "chroma_timeout"):
            if getattr(self, name) <= 0:
                raise bad(name, "must be positive")
        if not _DEVICE.fullmatch(self.embed_device):
            raise bad("embed_device", "use cpu, cuda, cuda:N, mps or auto")
        if self.llm_gpu_layers < -1:
            raise bad("llm_gpu_layers", "use 0 (CPU only), a number of layers, or -1 for all")
        if not 0.0 <= self.refusal_threshold <= 1.0:
            raise bad("refusal_threshold", "must be between 0 and 1")
        if self.auth and ":" not in self.auth:
            raise bad("auth", "must look like user:password")
        if not _COLLECTION.fullmatch(self.collection):
            # Chroma's own rule, checked here so the message names the setting;
            # 505, not 512, leaves room for the write journal's "-writes".
            raise bad("collection", "use 3 to 505 ASCII letters, digits, ., - and _, starting and ending with a letter or digit")
        return self

    @staticmethod
    def describe() -> list[tuple[str, str, str, str]]:
        """(name, env var, default, description) for every setting."""
        out = []
        for f in fields(Settings):
            env = f.metadata.get("env") or f"ASSISTANT_{f.name.upper()}"
            out.append((f.name, env, repr(f.default) if not isinstance(f.default, Path) else str(f.default), f.metadata["doc"]))
        return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"Settings file {path} does not exist.", fix="create it or unset ASSISTANT_SETTINGS.") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"Settings file {path} is not valid TOML ({e}).", fix="fix the syntax in that file.") from None
    # Allow an optional [assistant] table so the file can hold other sections.
    return dict(data.get("assistant", data))


def _coerce(name: str, typ: Any, value: Any) -> Any:
    typ = typ if isinstance(typ, str) else getattr(typ, "__name__", str(typ))
    try:
        if typ == "Path":
            return Path(value)
        if typ == "bool":
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in ("1", "true", "yes", "on"):
                return True
            if s in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if typ == "int":
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if typ == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise SettingsError(f"Bad setting {name}={value!r}: expected {typ}.") from None


__all__ = ["Settings", "BACKENDS"]
