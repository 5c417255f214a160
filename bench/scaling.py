"""Benchmark 3: how retrieval latency and memory grow with the number of chunks.

Store-only: the chunks are synthetic text with random unit vectors, written
straight into Chroma through our :class:`Store` (no embedding model; see
benchmark 2 for embedding throughput). Query embedding is therefore not in
these timings either: add benchmark 1's "embed" stage. Each size is built in
one subprocess and served in fresh subprocesses, so peak RSS is that of one
clean process. Sizes that fail or time out are extrapolated from a power-law
fit of the measured ones, and marked so.
"""
from __future__ import annotations

import json
import math
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .common import ROOT, median_of, save, work_root
from .scale_worker import COMPARE_MAX

_VERSION = 1


def _worker(args: list[str], timeout: float) -> dict | None:
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bench.scale_worker", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": f"exit code {proc.returncode}"}
    return json.loads(lines[-1])


def _built(path: Path, n: int, timeout: float) -> dict:
    stamp = path / "scaling.json"
    if stamp.is_file():
        have = json.loads(stamp.read_text())
        if have.get("n") == n and have.get("version") == _VERSION:
            return have["build"]
        shutil.rmtree(path, ignore_errors=True)  # another size or layout: start over
    # No stamp but a store: a build that was stopped; the worker completes it.
    path.mkdir(parents=True, exist_ok=True)
    res = _worker(["build", str(path), str(n)], timeout)
    if res and "error" not in res:
        stamp.write_text(json.dumps({"n": n, "version": _VERSION, "build": res}))
    return res or {"error": "no result"}


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float] | None:
    """Least-squares fit of log y = a + b log x; None with fewer than two points."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pts)
    my = statistics.fmean(p[1] for p in pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    b = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else 0.0
    return my - b * mx, b


def _extrapolate(rows: dict[int, dict], target: int) -> dict:
    """Predict ``target``-chunk figures from the largest measured sizes (log-log fit)."""
    ok = sorted(n for n, r in rows.items() if "serve" in r and "error" not in r["serve"] and n < target)
    ok = [n for n in ok if n >= 10_000][-3:] if sum(n >= 10_000 for n in ok) >= 2 else ok[-3:]  # small sizes are noise
    metrics = {
        "retrieval_no_embed_p50_ms": lambda r: r["serve"]["stages_ms"]["retrieval_no_embed"]["p50"],
        "dense_p50_ms": lambda r: r["serve"]["stages_ms"]["dense"]["p50"],
        "bm25_p50_ms": lambda r: r["serve"]["stages_ms"]["bm25"]["p50"],
        "refresh_p50_ms": lambda r: r["serve"]["stages_ms"]["refresh"]["p50"],
        "cold_refresh_seconds": lambda r: r["serve"]["cold_refresh_seconds"],
        "serve_peak_rss_mb": lambda r: r["serve"]["peak_rss_mb"],
    }
    out: dict = {"from_sizes": ok}
    for name, get in metrics.items():
        fit = _fit(ok, [get(rows[n]) for n in ok])
        if fit:
            a, b = fit
            if b < 0:  # noise: nothing here gets cheaper with size; assume flat from the largest size
                a, b = math.log(get(rows[ok[-1]]) or 1e-9), 0.0
            out[name] = round(math.exp(a + b * math.log(target)), 2)
            out[name + "_exponent"] = round(b, 2)
    # Memory and full reads grow linearly in the chunk count, and a fixed
    # process floor flattens a log-log fit: extend the last segment's slope too.
    if len(ok) >= 2:
        lo, hi = ok[-2], ok[-1]
        for name in ("cold_refresh_seconds", "serve_peak_rss_mb"):
            y0, y1 = metrics[name](rows[lo]), metrics[name](rows[hi])
            out[name + "_linear"] = round(y1 + (y1 - y0) / (hi - lo) * (target - hi), 1)
    return out


def run(args) -> Path:
    """Run the scaling benchmark with the CLI ``args`` and write ``scaling.json``.

    The file is rewritten after every size, so a run stopped during a big
    size keeps the smaller ones (and extrapolates the rest).
    """
    started = time.perf_counter()
    work = work_root(args.work)
    params = {k: v for k, v in vars(args).items() if k not in ("func", "out", "work", "tag")}
    params["note"] = "synthetic text with random unit vectors written straight into Chroma; query embedding excluded"
    rows: dict[int, dict] = {}
    path_out = None
    for n in sorted(args.sizes):
        print(f"-- scaling: {n:,} chunks", file=sys.stderr, flush=True)
        path = work / f"scale-{n}"
        row: dict = {"build": _built(path, n, args.timeout)}
        if "error" not in row["build"]:
            serves = [_worker(["serve", str(path), str(n), str(args.queries)], args.timeout) for _ in range(args.repeats)]
            good = [s for s in serves if s and "error" not in s]
            row["serve"] = _median_serve(good) if good else serves[-1]
            if n <= COMPARE_MAX:
                compared = [_worker(["compare", str(path), str(n), str(args.queries)], args.timeout) for _ in range(args.repeats)]
                row["dense_compare"] = _median_compare([c for c in compared if c and "error" not in c]) or compared[-1]
        rows[n] = row
        path_out = save("scaling", params, _results(rows, args.sizes), out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)
        if "error" in row["build"] or "error" in row.get("serve", {}):
            break  # bigger sizes would fail too; they stay extrapolated
    return path_out


def _results(rows: dict[int, dict], sizes: list[int]) -> dict:
    results: dict = {"sizes": {str(n): r for n, r in rows.items()}}
    measured = [n for n, r in rows.items() if "error" not in r["build"] and "error" not in r.get("serve", {"error": 1})]
    for target in sorted(set(sizes) | {1_000_000}):
        if measured and target > max(measured):
            results.setdefault("extrapolated", {})[str(target)] = _extrapolate(rows, target)
    return results


def _median_serve(runs: list[dict]) -> dict:
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
    out["stages_ms"] = {stage: median_of([r["stages_ms"][stage] for r in runs]) for stage in runs[0]["stages_ms"]}
    out["runs"] = len(runs)
    return out


def _median_compare(runs: list[dict]) -> dict | None:
    """Medians over the comparison processes (the worst query's recall: the worst of them)."""
    if not runs:
        return None
    return {
        "k": runs[0]["k"],
        "exact_ms": median_of([r["exact_ms"] for r in runs]),
        "hnsw_ms": median_of([r["hnsw_ms"] for r in runs]),
        "exact_over_hnsw_p50": statistics.median(r["exact_over_hnsw_p50"] for r in runs),
        "hnsw_recall_mean": statistics.median(r["hnsw_recall_mean"] for r in runs),
        "hnsw_recall_min": min(r["hnsw_recall_min"] for r in runs),
    }


def add_arguments(p) -> None:
    p.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000], help="chunk counts (default 1000 10000 100000; add 1000000 to try it)")
    p.add_argument("--queries", type=int, default=100, help="queries per serving process (default 100)")
    p.add_argument("--repeats", type=int, default=3, help="serving processes per size; figures are medians (default 3)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds allowed per build or serve process (default 3600)")
