"""Benchmark 1: query latency split into stages, against llama-index's default query path.

For each corpus (ours, plus synthetic corpora of N chunks) every question is
asked through :class:`assistant.Assistant` and, right after, through a
llama-index ``VectorStoreIndex`` retriever on the same Chroma and embedder,
so machine load hits both alike. Stage timings come from ``Answer.timings``.

"retrieval" is everything before the answer step: rewrite + embed + refresh
+ dense + bm25 + fusion. "support" (sentence scoring for the refusal gate)
follows, then generation. Synthetic corpora get fresh questions every round,
so the sentence-vector cache in ``support`` starts cold for them, as it would
for new questions on a big corpus.
"""
from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from .common import ROOT, bar, build_embedder, ensure_index, median_of, ratio, save, set_torch_threads, settings_for, stats_ms, synthetic_corpus, work_root

RETRIEVAL = ("rewrite", "embed", "refresh", "dense", "bm25", "fusion")
STAGES = (*RETRIEVAL, "retrieval", "support", "pre_generation", "first_token", "time_to_first_token", "generate", "total")


def gold_questions(limit: int | None = None) -> list[tuple[str, list]]:
    """(question, history) pairs from the gold set, follow-ups included."""
    data = json.loads((ROOT / "evals" / "gold" / "xiaomi.json").read_text(encoding="utf-8"))
    items = [(e["query"], e.get("history") or []) for e in data["examples"]]
    return items[:limit] if limit else items


def _stages(t: dict[str, float]) -> dict[str, float]:
    out = dict(t)
    out["retrieval"] = sum(t.get(k, 0.0) for k in RETRIEVAL)
    out["pre_generation"] = out["retrieval"] + t.get("support", 0.0)
    if "first_token" in t:
        out["time_to_first_token"] = out["pre_generation"] + t["first_token"]
    return out


def _round(bot, base_retriever, questions, desc: str, cold: bool) -> dict:
    from assistant.support import clear_sentence_cache

    ours: dict[str, list[float]] = defaultdict(list)
    base: list[float] = []
    refused = 0
    for q, history in bar(questions, desc=desc, unit="q"):
        if cold:
            clear_sentence_cache()
        ans = bot.ask(q, history)
        refused += ans.refused
        for k, v in _stages(ans.timings).items():
            ours[k].append(v)
        t0 = time.perf_counter()
        base_retriever.retrieve(q)
        base.append(time.perf_counter() - t0)
    return {"ours": {k: stats_ms(v) for k, v in ours.items()}, "baseline_retrieve": stats_ms(base), "refused": refused}


def _summarise(rounds: list[dict]) -> dict:
    """Median over rounds of each stage's p50 and p95, and the ratio to the baseline."""
    out: dict = {"stages": {}}
    for stage in STAGES:
        got = [r["ours"][stage] for r in rounds if stage in r["ours"]]
        if got:
            out["stages"][stage] = median_of(got)
    out["baseline_retrieve"] = median_of([r["baseline_retrieve"] for r in rounds])
    ours_p50 = out["stages"]["retrieval"]["p50"]
    out["retrieval_vs_baseline_p50"] = ratio(ours_p50, out["baseline_retrieve"]["p50"])
    out["retrieval_vs_baseline_p95"] = ratio(out["stages"]["retrieval"]["p95"], out["baseline_retrieve"]["p95"])
    out["refused"] = [r["refused"] for r in rounds]
    return out


def _bench_corpus(name: str, corpus: Path, index: Path, embedder, question_sets: list[list], backend: str, warmup: int, cold: bool = False) -> dict:
    from .baseline import retrieval_baseline

    bot = ensure_index(corpus, index, embedder)
    if backend != "extractive":
        bot = bot.with_settings(backend=backend)
    s = bot.settings
    index_obj = retrieval_baseline(bot.store, embedder, s.top_k)
    retriever = index_obj.as_retriever(similarity_top_k=s.top_k)
    for q, h in question_sets[0][:warmup]:  # load models, build BM25, fill caches of both sides
        bot.ask(q, h)
        retriever.retrieve(q)
    rounds = [_round(bot, retriever, qs, f"{name}/{backend} round {i + 1}", cold) for i, qs in enumerate(question_sets)]
    out = _summarise(rounds)
    out.update(chunks=bot.store.count(), questions=len(question_sets[0]), rounds=len(rounds), backend=backend, cold_support=cold)
    if backend != "extractive":
        out["baseline_query_engine"] = _baseline_generation(index_obj, bot, [q for q, _ in question_sets[0]])
    return out


def _baseline_generation(index_obj, bot, questions: list[str]) -> dict:
    """llama-index's default streaming query engine with the same LLM: first token and total."""
    qe = index_obj.as_query_engine(llm=bot.generator.llm, similarity_top_k=bot.settings.top_k, streaming=True)
    first, total = [], []
    for q in bar(questions, desc="baseline query engine", unit="q"):
        t0 = time.perf_counter()
        resp = qe.query(q)
        got_first = None
        for _ in resp.response_gen:
            if got_first is None:
                got_first = time.perf_counter() - t0
        total.append(time.perf_counter() - t0)
        first.append(got_first if got_first is not None else total[-1])
    return {"time_to_first_token": stats_ms(first), "total": stats_ms(total)}


def run(args) -> Path:
    """Run the latency benchmark with the CLI ``args`` and write ``latency.json``."""
    from .synth import queries

    started = time.perf_counter()
    work = work_root(args.work)
    embedder = build_embedder()
    set_torch_threads(args.torch_threads)
    results: dict = {}
    gold = gold_questions(args.questions)
    results["corpus/extractive"] = _bench_corpus(
        "corpus", ROOT / "corpus", work / "index-corpus", embedder, [gold] * args.repeats, "extractive", args.warmup
    )
    if args.cold_support:  # the same questions with the sentence-vector cache emptied before each
        results["corpus/extractive-cold"] = _bench_corpus(
            "corpus", ROOT / "corpus", work / "index-corpus", embedder, [gold] * args.repeats, "extractive", 0, cold=True
        )
    for n in args.chunks:
        corpus, info = synthetic_corpus(work, n)
        # Fresh questions per round (and for the warm-up): cold caches, like new questions.
        qs = queries(corpus, args.questions * (args.repeats + 1), seed=7)
        sets = [[(q, []) for q in qs[i * args.questions : (i + 1) * args.questions]] for i in range(args.repeats + 1)]
        res = _bench_corpus(f"synthetic-{n}", corpus, work / f"index-synthetic-{n}", embedder, sets[1:], "extractive", 0)
        res["corpus"] = info
        results[f"synthetic-{n}/extractive"] = res
    if "local" in args.backends:
        local_q = [(q, h) for q, h in gold if not h][: args.local_questions]
        results["corpus/local"] = _bench_corpus(
            "corpus", ROOT / "corpus", work / "index-corpus", embedder, [local_q] * args.local_repeats, "local", 1
        )
    params = {k: v for k, v in vars(args).items() if k not in ("func", "out", "work", "tag")}
    return save("latency", params, results, out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)


def add_arguments(p) -> None:
    p.add_argument("--chunks", type=int, nargs="*", default=[10_000], help="synthetic corpus sizes in chunks (default 10000)")
    p.add_argument("--questions", type=int, default=40, help="questions per round (default 40)")
    p.add_argument("--repeats", type=int, default=3, help="rounds; figures are medians over rounds (default 3)")
    p.add_argument("--warmup", type=int, default=3, help="unmeasured questions first (default 3)")
    p.add_argument("--no-cold-support", dest="cold_support", action="store_false",
                   help="skip the corpus run with the sentence-vector cache emptied before each question")
    p.add_argument("--torch-threads", type=int, help="set torch's intra-op threads in this process (default: leave torch's choice)")
    p.add_argument("--backends", nargs="*", default=["extractive", "local"], choices=["extractive", "local"])
    p.add_argument("--local-questions", type=int, default=8, help="questions for the local LLM backend (default 8)")
    p.add_argument("--local-repeats", type=int, default=2, help="rounds for the local LLM backend (default 2)")
