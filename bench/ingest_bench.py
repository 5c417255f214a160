"""Benchmark 2: ingest throughput, against llama-index's IngestionPipeline.

Per corpus and repeat, into fresh Chroma folders: our ingest, then an
unchanged re-ingest with a new :class:`Assistant` on the same index, then the
baseline pipeline (``SimpleDirectoryReader`` -> ``SentenceSplitter`` -> the
same embedder object -> ``ChromaVectorStore``). MB/s compares like with like
(same input bytes); chunks/s depends on each splitter's chunk sizes.
"""
from __future__ import annotations

import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path

from .common import ROOT, SQUAD, bar, build_embedder, corpus_bytes, ratio, save, set_torch_threads, settings_for, synthetic_corpus, work_root


def _ours(corpus: Path, index: Path, embedder) -> dict:
    from assistant.api import Assistant

    bot = Assistant(settings_for(corpus, index), embedder=embedder)
    t0 = time.perf_counter()
    report = bot.ingest(progress=_Progress(corpus.name, t0))
    first = time.perf_counter() - t0
    again = Assistant(settings_for(corpus, index), embedder=embedder)  # nothing cached in the object
    t0 = time.perf_counter()
    report2 = again.ingest()
    second = time.perf_counter() - t0
    assert report2.count("unchanged") == len([f for f in report.files if f.status == "added"]), report2.summary()
    return {"seconds": first, "chunks": report.chunks_written, "reingest_seconds": second}


class _Progress:
    """Files done and seconds so far, on stderr at every tenth of the corpus: a long run shows its pace."""

    def __init__(self, name: str, t0: float):
        self.name, self.t0, self.shown = name, t0, -1

    def __call__(self, done: int, total: int, source: str) -> None:
        tenth = done * 10 // max(1, total)
        if tenth > self.shown:
            self.shown = tenth
            print(f"  ingest {self.name}: {done}/{total} files, {time.perf_counter() - self.t0:.0f} s", file=sys.stderr, flush=True)


def _baseline(corpus: Path, index: Path, embedder) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.settings import Settings

    from .baseline import ingest_baseline

    s = Settings.load(file=None, env={})
    client = chromadb.PersistentClient(path=str(index), settings=ChromaSettings(anonymized_telemetry=False))
    t0 = time.perf_counter()
    n = ingest_baseline(corpus, client, embedder, s.chunk_tokens, s.chunk_overlap)
    return {"seconds": time.perf_counter() - t0, "chunks": n}


def _datasets(args, work: Path) -> list[tuple[str, Path, dict]]:
    out = [("corpus", ROOT / "corpus", {})]
    if SQUAD.is_dir() and not args.no_squad:
        out.append(("mini_squad_v2", SQUAD, {}))
    for n in args.chunks:
        path, info = synthetic_corpus(work, n)
        out.append((f"synthetic-{n}", path, info))
    return out


def _summary(runs: list[dict], nbytes: int) -> dict:
    secs = statistics.median(r["seconds"] for r in runs)
    chunks = statistics.median(r["chunks"] for r in runs)
    out = {
        "seconds": round(secs, 3),
        "chunks": chunks,
        "chunks_per_s": float(f"{chunks / secs:.4g}"),
        "mb_per_s": float(f"{nbytes / 1e6 / secs:.4g}"),
        "runs": len(runs),
    }
    if "reingest_seconds" in runs[0]:
        re = statistics.median(r["reingest_seconds"] for r in runs)
        out["reingest_seconds"] = round(re, 4)
        out["reingest_fraction"] = round(statistics.median(r["reingest_seconds"] / r["seconds"] for r in runs), 5)
    return out


def run(args) -> Path:
    """Run the ingest benchmark with the CLI ``args`` and write ``ingest.json``."""
    started = time.perf_counter()
    work = work_root(args.work)
    scratch = work / "ingest-runs"
    shutil.rmtree(scratch, ignore_errors=True)  # leftovers of an earlier invocation
    embedder = build_embedder()
    set_torch_threads(args.torch_threads)
    embedder.get_text_embedding("warm up")
    results = {}
    for name, corpus, info in _datasets(args, work):
        nbytes = corpus_bytes(corpus)
        ours, base = [], []
        for _ in bar(range(args.repeats), desc=f"ingest {name}", unit="run"):
            ours.append(_ours(corpus, scratch / f"{name}-ours-{uuid.uuid4().hex[:8]}", embedder))
            if not args.no_baseline:
                base.append(_baseline(corpus, scratch / f"{name}-base-{uuid.uuid4().hex[:8]}", embedder))
        res = {"bytes": nbytes, "ours": _summary(ours, nbytes)}
        if base:
            res["baseline"] = _summary(base, nbytes)
            # Same input bytes on both sides, so this is the inverse ratio of median seconds.
            res["mb_per_s_vs_baseline"] = ratio(res["baseline"]["seconds"], res["ours"]["seconds"])
        if info:
            res["corpus"] = info
        results[name] = res
    params = {k: v for k, v in vars(args).items() if k not in ("func", "out", "work", "tag")}
    return save("ingest", params, results, out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)


def add_arguments(p) -> None:
    p.add_argument("--chunks", type=int, nargs="*", default=[2000], help="synthetic corpus sizes in chunks (default 2000; the README also used 10000)")
    p.add_argument("--repeats", type=int, default=3, help="runs per corpus; figures are medians (default 3)")
    p.add_argument("--no-squad", action="store_true", help="skip the mini_squad_v2 corpus")
    p.add_argument("--torch-threads", type=int, help="set torch's intra-op threads in this process (default: leave torch's choice)")
    p.add_argument("--no-baseline", action="store_true", help="skip the llama-index IngestionPipeline")
