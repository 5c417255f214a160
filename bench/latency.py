"""Benchmark 1: query latency split into stages, against llama-index's default query path.

For each corpus (ours, plus synthetic corpora of N chunks) every question is
asked through :class:`assistant.Assistant` and, right after, through a
llama-index ``VectorStoreIndex`` retriever on the same Chroma and embedding
weights, so machine load hits both alike. Stage timings come from
``Answer.timings``. The baseline embeds through llama-index's own
``HuggingFaceEmbedding``; ours through a shorter path to the same vector
(:mod:`assistant.providers.hf_query`). Each side's embedding is also timed
alone, so the ratio can be split into "embed" and "after the embedding".

"retrieval" is everything before the answer step: rewrite + embed + refresh
+ dense + bm25 + fusion, except that against a Chroma server the store check
("refresh") runs in a worker thread beside the dense query, and then only the
longer of the two is counted. "support" (sentence scoring for the refusal gate)
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

from .common import ROOT, bar, build_embedder, ensure_index, median_of, ratio, save, set_torch_threads, settings_for, stats_ms, stock_embedder, synthetic_corpus, work_root

RETRIEVAL = ("rewrite", "embed", "refresh", "dense", "bm25", "fusion")
STAGES = (*RETRIEVAL, "retrieval", "support", "pre_generation", "first_token", "time_to_first_token", "generate", "total")


def gold_questions(limit: int | None = None) -> list[tuple[str, list]]:
    """(question, history) pairs from the gold set, follow-ups included."""
    data = json.loads((ROOT / "evals" / "gold" / "xiaomi.json").read_text(encoding="utf-8"))
    items = [(e["query"], e.get("history") or []) for e in data["examples"]]
    return items[:limit] if limit else items


def _stages(t: dict[str, float], overlapped: bool = False) -> dict[str, float]:
    out = dict(t)
    out["retrieval"] = sum(t.get(k, 0.0) for k in RETRIEVAL if k not in ("refresh", "dense"))
    out["retrieval"] += max(t.get("refresh", 0.0), t.get("dense", 0.0)) if overlapped else t.get("refresh", 0.0) + t.get("dense", 0.0)
    out["pre_generation"] = out["retrieval"] + t.get("support", 0.0)
    if "first_token" in t:
        out["time_to_first_token"] = out["pre_generation"] + t["first_token"]
    return out


def _timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn()``; CPU time is this process's, all threads."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def _round(bot, retriever, base_retriever, questions, desc: str, cold: bool) -> dict:
    """One pass over ``questions``: the full answer with its stage timings, then
    retrieval alone (embed + our retriever) and the baseline retriever, in
    alternating order, with wall and CPU time; then each side's question
    embedding alone, so the figures can be split at the embedding."""
    from assistant.support import clear_sentence_cache

    ours: dict[str, list[float]] = defaultdict(list)
    pair: dict[str, list[float]] = defaultdict(list)
    refused = 0
    for k, (q, history) in enumerate(bar(questions, desc=desc, unit="q")):
        if cold:
            clear_sentence_cache()
        ans = bot.ask(q, history)
        refused += ans.refused
        for name, v in _stages(ans.timings, overlapped=not bot.store.check_is_cheap).items():
            ours[name].append(v)
        sq = ans.standalone_question or q
        runs = [
            ("ours", lambda: retriever.retrieve(sq)),  # embeds inside, as the baseline does
            ("baseline", lambda: base_retriever.retrieve(q)),
        ]
        for name, fn in runs if k % 2 == 0 else runs[::-1]:
            wall, cpu = _timed(fn)
            pair[f"{name}_wall"].append(wall)
            pair[f"{name}_cpu"].append(cpu)
        embeds = [
            ("ours_embed", lambda: retriever.embedder.get_query_embedding(sq)),
            ("baseline_embed", lambda: base_retriever._embed_model.get_query_embedding(q)),
        ]
        for name, fn in embeds if k % 2 == 0 else embeds[::-1]:
            pair[name].append(_timed(fn)[0])
    return {
        "ours": {k: stats_ms(v) for k, v in ours.items()},
        "retrieve_only": {k: stats_ms(v) for k, v in pair.items()},
        "refused": refused,
    }


def _summarise(rounds: list[dict]) -> dict:
    """Median over rounds of each stage's p50 and p95, and the ratio to the baseline."""
    out: dict = {"stages": {}}
    for stage in STAGES:
        got = [r["ours"][stage] for r in rounds if stage in r["ours"]]
        if got:
            out["stages"][stage] = median_of(got)
    only = {k: median_of([r["retrieve_only"][k] for r in rounds]) for k in rounds[0]["retrieve_only"]}
    out["retrieve_only"] = only
    out["baseline_retrieve"] = only["baseline_wall"]
    for q in ("p50", "p95"):
        out[f"retrieval_vs_baseline_{q}"] = ratio(only["ours_wall"][q], only["baseline_wall"][q])
        out[f"retrieval_cpu_vs_baseline_{q}"] = ratio(only["ours_cpu"][q], only["baseline_cpu"][q])
    # Where the difference lies: the question embedding alone, and what comes after it.
    out["embed_vs_baseline_p50"] = ratio(only["ours_embed"]["p50"], only["baseline_embed"]["p50"])
    out["after_embed_vs_baseline_p50"] = ratio(
        only["ours_wall"]["p50"] - only["ours_embed"]["p50"], only["baseline_wall"]["p50"] - only["baseline_embed"]["p50"]
    )
    out["refused"] = [r["refused"] for r in rounds]
    return out


def _bench_corpus(name: str, corpus: Path, index: Path, embedders: tuple, question_sets: list[list], backend: str, warm: list,
                  cold: bool = False, chroma_url: str = "") -> dict:
    """Rounds of ``question_sets`` on one corpus and backend, after unmeasured ``warm`` questions.

    ``embedders`` is (ours, the baseline's): the same weights, see :func:`~bench.common.stock_embedder`.
    """
    from .baseline import retrieval_baseline

    embedder, stock = embedders
    bot = ensure_index(corpus, index, embedder, chroma_url=chroma_url)
    if backend != "extractive":
        bot = bot.with_settings(backend=backend)
    from assistant.retrieve import HybridRetriever

    s = bot.settings
    index_obj = retrieval_baseline(bot.store, stock, s.top_k)
    base = index_obj.as_retriever(similarity_top_k=s.top_k)
    ours = HybridRetriever(bot.store, embedder, s)  # what the engine runs, timed on its own
    for q, h in warm:  # load models, build both BM25s, warm both sides' code paths
        bot.ask(q, h)
        ours.retrieve(q)
        base.retrieve(q)
    rounds = [_round(bot, ours, base, qs, f"{name}/{backend} round {i + 1}", cold) for i, qs in enumerate(question_sets)]
    out = _summarise(rounds)
    out.update(chunks=bot.store.count(), questions=len(question_sets[0]), rounds=len(rounds), backend=backend, cold_support=cold,
               store="chroma server (HttpClient)" if chroma_url else "embedded (PersistentClient)")
    if backend != "extractive":
        out["baseline_query_engine"] = _baseline_generation(index_obj, bot, [q for q, _ in question_sets[0]])
    return out


def _on_server(work: Path, name: str, corpus: Path, embedders: tuple, question_sets, warm) -> dict:
    """The same rounds with the index served by a real ``chroma run`` (a copy of the embedded one)."""
    import shutil

    from assistant.store import Store, make_client
    from assistant.support import clear_sentence_cache

    from . import chroma_server

    data = work / f"chroma-server-{name}"
    shutil.rmtree(data, ignore_errors=True)
    proc, url = chroma_server.start(data)
    try:
        src = ensure_index(corpus, work / f"index-{name}", embedders[0], progress=False).store
        s = settings_for(corpus, work / f"index-{name}", chroma_url=url)
        dst = Store(make_client(s), s.collection, src.embedder_id, src.dim)
        chroma_server.copy_index(src, dst)
        clear_sentence_cache()  # the embedded run saw these questions; start as cold as it did
        return _bench_corpus(name, corpus, work / f"index-{name}", embedders, question_sets, "extractive", warm, chroma_url=url)
    finally:
        chroma_server.stop(proc)


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
    embedders = (build_embedder(), stock_embedder())
    set_torch_threads(args.torch_threads)
    results: dict = {}
    gold = gold_questions(args.questions)
    results["corpus/extractive"] = _bench_corpus(
        "corpus", ROOT / "corpus", work / "index-corpus", embedders, [gold] * args.repeats, "extractive", gold[: args.warmup]
    )
    if args.cold_support:  # the same questions with the sentence-vector cache emptied before each
        results["corpus/extractive-cold"] = _bench_corpus(
            "corpus", ROOT / "corpus", work / "index-corpus", embedders, [gold] * args.repeats, "extractive", [], cold=True
        )
    for n in args.chunks:
        corpus, info = synthetic_corpus(work, n)
        # Fresh questions per round (and for the warm-up): cold caches, like new questions.
        qs = queries(corpus, args.questions * (args.repeats + 1), seed=7)
        sets = [[(q, []) for q in qs[i * args.questions : (i + 1) * args.questions]] for i in range(args.repeats + 1)]
        res = _bench_corpus(f"synthetic-{n}", corpus, work / f"index-synthetic-{n}", embedders, sets[1:], "extractive", sets[0][: max(1, args.warmup)])
        res["corpus"] = info
        results[f"synthetic-{n}/extractive"] = res
        if args.server:
            res = _on_server(work, f"synthetic-{n}", corpus, embedders, sets[1:], sets[0][: max(1, args.warmup)])
            res["corpus"] = info
            results[f"synthetic-{n}/extractive-server"] = res
    if "local" in args.backends:
        local_q = [(q, h) for q, h in gold if not h][: args.local_questions]
        results["corpus/local"] = _bench_corpus(
            "corpus", ROOT / "corpus", work / "index-corpus", embedders, [local_q] * args.local_repeats, "local", local_q[:1]
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
    p.add_argument("--server", action="store_true", help="also run the synthetic corpora against a `chroma run` server (a copy of the index)")
    p.add_argument("--torch-threads", type=int, help="set torch's intra-op threads in this process (default: leave torch's choice)")
    p.add_argument("--backends", nargs="*", default=["extractive", "local"], choices=["extractive", "local"])
    p.add_argument("--local-questions", type=int, default=8, help="questions for the local LLM backend (default 8)")
    p.add_argument("--local-repeats", type=int, default=2, help="rounds for the local LLM backend (default 2)")
