"""Helpers shared by the benchmarks: statistics, result files, corpora and indexes.

Every benchmark measures its baseline in the same run, interleaved with our
own measurements where it can, so load from other processes on a shared
machine hits both alike; ratios and medians are the figures to trust.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQUAD = ROOT.parent / "shared" / "datasets" / "mini_squad_v2" / "source_files"

# Benchmarks never reach a model hub, and never phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q``-th percentile (0..100), linearly interpolated."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def stats_ms(seconds: Iterable[float]) -> dict[str, float]:
    """p50 / p95 / n of a list of durations, in milliseconds."""
    xs = [s * 1000.0 for s in seconds]
    return {"p50": round(percentile(xs, 50), 2), "p95": round(percentile(xs, 95), 2), "n": len(xs)}


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Per key, the median over repeated runs of the same figures."""
    keys = [k for k in runs[0] if isinstance(runs[0][k], (int, float))] if runs else []
    out = {k: round(statistics.median(r[k] for r in runs if k in r), 3) for k in keys}
    out["runs"] = len(runs)
    return out


def ratio(ours: float, base: float) -> float | None:
    """ours / baseline, rounded; None when the baseline is zero or missing."""
    return round(ours / base, 3) if base else None


def machine() -> dict[str, Any]:
    """What the numbers were measured on, and how busy it was."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    if "torch" in sys.modules:
        info["torch_threads"] = sys.modules["torch"].get_num_threads()
    return info


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "assistant"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def save(name: str, params: dict, results: Any, out_dir: Path | None = None, tag: str | None = None, started: float | None = None) -> Path:
    """Write ``bench/results/<name>[-<tag>].json`` atomically and return its path."""
    out = Path(out_dir or RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    doc = {
        "benchmark": name,
        "tag": tag,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git": git_rev(),
        "machine": machine(),
        "seconds": round(time.perf_counter() - started, 1) if started else None,
        "params": params,
        "results": results,
    }
    path = out / (f"{name}-{tag}.json" if tag else f"{name}.json")
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def work_root(arg: str | None = None) -> Path:
    """Scratch space for generated corpora and indexes (kept between runs as a cache)."""
    p = Path(arg or os.environ.get("BENCH_WORK") or Path(tempfile.gettempdir()) / "assistant-bench")
    p.mkdir(parents=True, exist_ok=True)
    return p


def settings_for(corpus: Path, index: Path, **changes: Any):
    """Default settings pointed at one corpus and index; ``ASSISTANT_*`` variables are ignored
    so a benchmark measures the defaults unless told otherwise."""
    from assistant.settings import Settings

    return Settings.load(file=None, env={}, corpus_dir=corpus, index_dir=index, **changes)


def synthetic_corpus(work: Path, n_chunks: int, seed: int = 0) -> tuple[Path, dict]:
    """A cached synthetic corpus of ``n_chunks`` chunks under ``work``."""
    from .synth import make_corpus

    dest = work / f"synthetic-{n_chunks}"
    return dest, make_corpus(dest, n_chunks, ROOT / "corpus", seed=seed)


def corpus_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name != "corpus.json")


def ensure_index(corpus: Path, index: Path, embedder, progress: bool = True, chroma_url: str = ""):
    """Ingest ``corpus`` into ``index`` (or the Chroma server at ``chroma_url``)
    unless it is already complete there.

    Uses our own ingest, which is incremental: a finished index costs one
    manifest read. Returns the :class:`Assistant` over it.
    """
    from assistant.api import Assistant

    bot = Assistant(settings_for(corpus, index, chroma_url=chroma_url), embedder=embedder)
    bar = _file_bar(f"index {corpus.name}") if progress else None
    bot.ingest(progress=bar)
    if bar:
        bar.close()
    return bot


def _file_bar(desc: str):
    from tqdm import tqdm

    state: dict[str, Any] = {}

    class Bar:
        def __call__(self, done: int, total: int, source: str) -> None:
            if "bar" not in state:
                state["bar"] = tqdm(total=total, unit="file", desc=desc, leave=False)
            state["bar"].n = done
            state["bar"].refresh()

        def close(self) -> None:
            if "bar" in state:
                state["bar"].close()

    return Bar()


def bar(iterable=None, **kw):
    """A tqdm bar on stderr (hidden when stderr is not a terminal)."""
    from tqdm import tqdm

    kw.setdefault("leave", False)
    kw.setdefault("disable", None)
    return tqdm(iterable, **kw)


def set_torch_threads(n: int | None) -> None:
    """An experiment knob: torch's intra-op threads in this process (None: torch's default)."""
    if n:
        import torch

        torch.set_num_threads(n)


def build_embedder():
    """The bundled embedder as the assistant builds it, once per benchmark process.

    Batch embedding (ingest) goes through the stock sentence-transformers path,
    so the ingest baselines share this object.
    """
    from assistant.providers.embeddings import build_embedder as build

    from assistant.settings import Settings

    emb = build(Settings.load(file=None, env={}))
    emb.ready()  # timed questions should not race the background ONNX load
    return emb


def stock_embedder():
    """The same bundled weights in llama-index's own ``HuggingFaceEmbedding``, for query baselines.

    The assistant embeds a question through a shorter path
    (:mod:`assistant.providers.hf_query`) that gives the same vector; the
    textbook pipeline does not have it, so its retriever gets this one.
    """
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from assistant.providers.embeddings import bundled_minilm_path

    return HuggingFaceEmbedding(model_name=bundled_minilm_path(), device="cpu", normalize=True)
