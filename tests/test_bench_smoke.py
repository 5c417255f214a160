"""Each benchmark runs end to end at its smallest size and writes well-formed results.

No timing is asserted here: speed is what the benchmarks report, never what
tests check. The runs go through ``python -m bench`` (as ``make bench`` does)
into temporary folders, sharing one scratch folder so the small corpus index
is built once.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import percentile, stats_ms
from bench.scaling import _fit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    return tmp_path_factory.mktemp("bench-work"), tmp_path_factory.mktemp("bench-out")


def run_bench(dirs, *argv: str) -> dict:
    work, out = dirs
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--work", str(work), "--out", str(out), *argv],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((out / f"{argv[0]}.json").read_text(encoding="utf-8"))
    assert doc["benchmark"] == argv[0]
    assert doc["machine"]["cpus"] >= 1 and doc["created"] and isinstance(doc["params"], dict)
    return doc["results"]


def is_ms(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x) and x >= 0


def test_statistics_helpers():
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([0, 10], 95) == pytest.approx(9.5)
    assert stats_ms([0.001, 0.003]) == {"p50": 2.0, "p95": 2.9, "n": 2}
    a, b = _fit([1_000, 10_000], [1.0, 10.0])
    assert b == pytest.approx(1.0)


@pytest.mark.slow
def test_latency_smoke(dirs):
    res = run_bench(dirs, "latency", "--chunks", "30", "--questions", "2", "--repeats", "1", "--warmup", "0", "--backends", "extractive")
    assert set(res) == {"corpus/extractive", "corpus/extractive-cold", "synthetic-30/extractive"}
    for r in res.values():
        for stage in ("embed", "refresh", "dense", "bm25", "fusion", "retrieval", "support", "total"):
            assert is_ms(r["stages"][stage]["p50"]) and is_ms(r["stages"][stage]["p95"]), stage
        assert is_ms(r["baseline_retrieve"]["p50"]) and r["retrieval_vs_baseline_p50"] > 0
    assert res["synthetic-30/extractive"]["chunks"] == 30


@pytest.mark.slow
def test_ingest_smoke(dirs):
    res = run_bench(dirs, "ingest", "--chunks", "20", "--repeats", "1", "--no-squad")
    assert set(res) == {"corpus", "synthetic-20"}
    for r in res.values():
        assert r["ours"]["chunks"] > 0 and r["ours"]["chunks_per_s"] > 0 and r["ours"]["mb_per_s"] > 0
        assert r["baseline"]["chunks"] > 0 and r["mb_per_s_vs_baseline"] > 0
        assert 0 < r["ours"]["reingest_fraction"] < 1  # an unchanged re-ingest embeds nothing


@pytest.mark.slow
def test_scaling_smoke(dirs):
    res = run_bench(dirs, "scaling", "--sizes", "300", "600", "--queries", "5", "--repeats", "1")
    for n in ("300", "600"):
        row = res["sizes"][n]
        assert row["build"]["chunks"] == int(n)
        assert row["serve"]["peak_rss_mb"] > 0
        assert is_ms(row["serve"]["stages_ms"]["retrieval_no_embed"]["p50"])
        compared = row["dense_compare"]
        assert is_ms(compared["exact_ms"]["p50"]) and is_ms(compared["hnsw_ms"]["p50"])
        assert 0 < compared["hnsw_recall_min"] <= compared["hnsw_recall_mean"] <= 1
    assert "1000000" in res["extrapolated"]


@pytest.mark.slow
def test_coldstart_smoke(dirs):
    res = run_bench(dirs, "coldstart", "--repeats", "1", "--no-app")
    for name in ("assistant --help", "assistant ingest --dry-run", "assistant ask (extractive)", "baseline: llama-index retrieve"):
        assert is_ms(res["commands"][name]["p50"]), name
    assert "torch" not in res["heavy_imports"]["assistant --help"]


@pytest.mark.slow
def test_concurrency_smoke(dirs):
    res = run_bench(dirs, "concurrency", "--sessions", "2", "--turns", "2", "--repeats", "1", "--own-corpus")
    for mode in ("concurrent", "sequential"):
        assert res[mode]["turns"] == 4
        assert res[mode]["errors_total"] == 0 and res[mode]["mixed_up_total"] == 0
    assert res["throughput_vs_sequential"] > 0


@pytest.mark.slow
def test_api_concurrency_smoke(dirs):
    res = run_bench(dirs, "api-concurrency", "--sessions", "2", "--turns", "2", "--repeats", "1", "--own-corpus")
    for mode in ("concurrent", "sequential"):
        assert res[mode]["turns"] == 4
        assert res[mode]["errors_total"] == 0 and res[mode]["mixed_up_total"] == 0
        assert is_ms(res[mode]["first_text_p95_ms"]) and res[mode]["first_text_p50_ms"] <= res[mode]["turn_p95_ms"]
    assert res["streaming"] is True and res["throughput_vs_sequential"] > 0


@pytest.mark.slow
def test_check_smoke(dirs):
    res = run_bench(dirs, "check", "--rounds", "1", "--questions", "4")
    med = res["median"]
    assert med["check_n"] == 4 and is_ms(med["check_p50"]) and med["check_p50"] <= med["answer_on_p95"]
    assert med["answers_with_a_removal"] > 0  # the planted invention is removed at least once
