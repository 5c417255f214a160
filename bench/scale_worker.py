"""One measured phase of the scaling benchmark, in its own process (for a clean peak RSS).

``python -m bench.scale_worker build DIR N``: write N synthetic chunks with
random unit vectors into a Chroma store in DIR through :class:`Store` (no
embedding model: store-only timings). A store left part-built by a stopped
run is completed, not restarted: at 1M chunks a build takes about an hour.
``python -m bench.scale_worker serve DIR N Q``: open that store as the
assistant does, build the retriever's BM25, run Q queries with random query
vectors, and time each stage.
``python -m bench.scale_worker compare DIR N Q``: time exact search against
Chroma's HNSW query on Q random vectors, and HNSW's recall.

Both print one JSON line last on stdout.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

DIM = 384
WORDS_PER_CHUNK = 120  # about our 180-token chunks
CHUNKS_PER_FILE = 20
_BATCH = 5000
# Exact and HNSW dense search are compared head to head up to this size; the
# comparison holds every vector in memory (1.5 GB of float32 at 1M chunks,
# and Chroma hands them over as float64).
COMPARE_MAX = 100_000


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _store(path: Path):
    from assistant.store import Store, make_client

    from .common import settings_for

    s = settings_for(path, path)
    return Store(make_client(s), s.collection, "synthetic:random-unit-vectors", DIM)


def _vocab() -> tuple[list[str], np.ndarray]:
    from .common import ROOT
    from .synth import vocabulary

    words = vocabulary(ROOT / "corpus")
    p = 1.0 / np.arange(1, len(words) + 1) ** 1.1
    return words, p / p.sum()


def build(path: Path, n: int) -> dict:
    from assistant.chunking import sha
    from assistant.types import Chunk

    from .common import bar

    words, p = _vocab()
    store = _store(path)
    # Ids depend only on the chunk number and each batch has its own seed, so
    # a resumed build rewrites the last, possibly partial, batch and goes on.
    first = (store.count() // _BATCH) * _BATCH
    t_gen = t_write = 0.0
    for start in bar(range(first, n, _BATCH), desc=f"write {n:,} chunks", unit="batch"):
        t0 = time.perf_counter()
        rng = np.random.default_rng([0, start])
        m = min(_BATCH, n - start)
        idx = rng.choice(len(words), size=(m, WORDS_PER_CHUNK), p=p)
        vecs = rng.standard_normal((m, DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        chunks = []
        for j in range(m):
            i = start + j
            source = f"doc_{i // CHUNKS_PER_FILE:07d}.txt"
            fh = sha(source)
            text = " ".join(words[k] for k in idx[j]) + "."
            chunks.append(Chunk(f"{sha(source)}:{fh}:{i % CHUNKS_PER_FILE}", source, text, 1 + i % CHUNKS_PER_FILE, 1 + i % CHUNKS_PER_FILE,
                                0, len(text), sha(text), fh, i % CHUNKS_PER_FILE, CHUNKS_PER_FILE))
        t1 = time.perf_counter()
        store.upsert(chunks, list(vecs))
        t_write += time.perf_counter() - t1
        t_gen += t1 - t0
    out = {"chunks": store.count(), "write_seconds": round(t_write, 2), "generate_seconds": round(t_gen, 2),
           "write_chunks_per_s": round((n - first) / t_write, 1) if t_write else None, "peak_rss_mb": round(_peak_mb(), 1)}
    if first:
        out["resumed_from"] = first  # the timings cover chunks first..n only
    return out


def serve(path: Path, n: int, q: int) -> dict:
    from assistant import heap
    from assistant.retrieve import HybridRetriever
    from assistant.settings import Settings

    from .common import bar, stats_ms

    base = _rss_mb()
    t0 = time.perf_counter()
    store = _store(path)
    count = store.count()
    t_open = time.perf_counter() - t0
    retriever = HybridRetriever(store, None, Settings.load(file=None, env={}))
    t0 = time.perf_counter()
    retriever.refresh()  # what the first query pays: read every chunk, build BM25
    t_refresh_cold = time.perf_counter() - t0
    rss_after_bm25 = _rss_mb()
    t0 = time.perf_counter()
    again = store.all_chunks()  # the read alone, to split the cold refresh
    t_read = time.perf_counter() - t0
    del again
    heap.trim()  # as the retriever does after its own read
    rng = np.random.default_rng(1)
    # Query words come from stored chunks, so BM25 finds real postings.
    sample = store.col.get(ids=None, limit=50, offset=int(rng.integers(0, max(1, count - 50))), include=["documents"])["documents"]
    timings: dict[str, list[float]] = {}
    for k in bar(range(q), desc=f"query {n:,}", unit="q"):
        words = [w for w in sample[k % len(sample)].split() if len(w) > 3]
        text = " ".join(rng.choice(words, size=min(4, len(words)), replace=False)) if words else "query"
        vec = rng.standard_normal(DIM).astype(np.float32)
        vec /= np.linalg.norm(vec)
        t: dict[str, float] = {}
        s0 = time.perf_counter()
        retriever.retrieve(text, qvec=vec.tolist(), timings=t)
        t["retrieval_no_embed"] = time.perf_counter() - s0
        if k == 0:
            t_first = t["retrieval_no_embed"]  # loads the HNSW index into memory
            continue
        for key, v in t.items():
            timings.setdefault(key, []).append(v)
    return {
        "chunks": count,
        "open_seconds": round(t_open, 3),
        "cold_refresh_seconds": round(t_refresh_cold, 2),
        "read_all_chunks_seconds": round(t_read, 2),
        "bm25_build_seconds": round(max(0.0, t_refresh_cold - t_read), 2),
        "first_query_ms": round(t_first * 1000, 1),
        "stages_ms": {k: stats_ms(v) for k, v in timings.items()},
        "rss_start_mb": round(base, 1),
        "rss_after_bm25_mb": round(rss_after_bm25, 1),
        "rss_end_mb": round(_rss_mb(), 1),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def compare(path: Path, n: int, q: int) -> dict:
    """Exact search against Chroma's HNSW query on the same random vectors, interleaved.

    Times each (alternating which goes first, so load hits both alike) and
    gives HNSW's recall: the share of the true ``k`` nearest it returns.
    """
    from assistant.dense import ExactIndex
    from assistant.settings import Settings

    from .common import stats_ms

    store, k = _store(path), Settings.load(file=None, env={}).candidates
    chunks, vectors = store.chunks_with_vectors()
    exact = ExactIndex([c.id for c in chunks], vectors)
    del vectors
    rng = np.random.default_rng(2)
    store.nearest(rng.standard_normal(DIM).tolist(), k)  # the first query loads the HNSW index
    t_exact, t_hnsw, recall = [], [], []
    for k_q in range(q):
        vec = rng.standard_normal(DIM).astype(np.float32)
        vec /= np.linalg.norm(vec)
        runs = [("exact", lambda: exact.nearest(vec, k)), ("hnsw", lambda: store.nearest(vec.tolist(), k))]
        got = {}
        for name, fn in runs if k_q % 2 else runs[::-1]:
            t0 = time.perf_counter()
            got[name] = fn()
            (t_exact if name == "exact" else t_hnsw).append(time.perf_counter() - t0)
        truth = {cid for cid, _ in got["exact"]}
        recall.append(len(truth & {cid for cid, _ in got["hnsw"]}) / len(truth))
    e, h = stats_ms(t_exact), stats_ms(t_hnsw)
    return {"k": k, "exact_ms": e, "hnsw_ms": h, "exact_over_hnsw_p50": round(e["p50"] / h["p50"], 2),
            "hnsw_recall_mean": round(float(np.mean(recall)), 4), "hnsw_recall_min": round(float(np.min(recall)), 4)}


def main(argv: list[str]) -> int:
    phase, path, n = argv[0], Path(argv[1]), int(argv[2])
    if phase == "build":
        out = build(path, n)
    else:
        out = (serve if phase == "serve" else compare)(path, n, int(argv[3]))
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
