"""Benchmark 6: simultaneous streaming clients of the HTTP API against one app server process.

The same set-up as benchmark 5 (``concurrency``), through the API instead
of the UI: one ``python app.py`` (UI and API in one process) on the
mini_squad_v2 corpus, each client one ``openai`` client that keeps its own
``messages`` history, streams every answer, and talks about its own
article. A follow-up whose "Sources:" footer names another client's
article and not its own is a mixed-up answer.

The baseline is the same clients run one at a time against the same server
in the same run; throughput is turns per second, latency per turn (request
to ``[DONE]``), and the time to the first streamed text is reported too.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from .app_client import start_app, stop_app
from .common import ROOT, SQUAD, bar, build_embedder, ensure_index, percentile, save, work_root
from .concurrency import CORPUS_SCRIPTS, SQUAD_SCRIPTS, _check, _figures, summarise_rounds

KEY = "bench-key"  # loopback only; the server is started for this run and stopped after it


def _client(url: str):
    import openai

    return openai.OpenAI(base_url=url.rstrip("/") + "/v1", api_key=KEY, max_retries=0, timeout=600)


def _session(url: str, script: list[str], record: list, barrier: threading.Barrier | None) -> None:
    client = _client(url)
    client.models.list()  # connect before the clock starts, as benchmark 5's clients do
    messages: list[dict] = []
    if barrier:
        barrier.wait()
    for turn, q in enumerate(script):
        messages.append({"role": "user", "content": q})
        t0 = time.perf_counter()
        first, parts, err = None, [], ""
        try:
            for chunk in client.chat.completions.create(model="extractive", messages=messages, stream=True):
                text = chunk.choices[0].delta.content if chunk.choices else None
                if text:
                    first = first or time.perf_counter()
                    parts.append(text)
        except Exception as e:  # recorded, not raised: the benchmark counts errors
            err = f"{type(e).__name__}: {e}"[:200]
        t1 = time.perf_counter()
        reply = "".join(parts)
        messages.append({"role": "assistant", "content": reply})
        record.append({"turn": turn, "start": t0, "end": t1, "seconds": t1 - t0,
                       "first": (first or t1) - t0, "reply": reply, "error": err})


def _run(url: str, scripts, parallel: bool) -> tuple[list[list[dict]], float]:
    records: list[list[dict]] = [[] for _ in scripts]
    if parallel:
        barrier = threading.Barrier(len(scripts))
        threads = [threading.Thread(target=_session, args=(url, s, records[i], barrier)) for i, (_, s) in enumerate(scripts)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for i, (_, s) in enumerate(scripts):
            _session(url, s, records[i], None)
    turns = [r for rec in records for r in rec]
    if parallel:
        return records, max(r["end"] for r in turns) - min(r["start"] for r in turns)
    return records, sum(r["seconds"] for r in turns)


def _round(scripts, records, seconds) -> dict:
    firsts = [r["first"] for rec in records for r in rec]
    return {**_figures(records, seconds), **_check(scripts, records),
            "first_text_p50_ms": round(percentile(firsts, 50) * 1000, 1),
            "first_text_p95_ms": round(percentile(firsts, 95) * 1000, 1)}


def run(args) -> Path:
    """Run the API concurrency benchmark with the CLI ``args`` and write ``api-concurrency.json``."""
    started = time.perf_counter()
    work = work_root(args.work)
    if SQUAD.is_dir() and not args.own_corpus:
        corpus, base = SQUAD, SQUAD_SCRIPTS
    else:
        corpus, base = ROOT / "corpus", CORPUS_SCRIPTS
    index = work / f"index-{corpus.name}"
    ensure_index(corpus, index, build_embedder())
    scripts = [(f, s[: args.turns]) for f, s in (base[i % len(base)] for i in range(args.sessions))]
    proc, url, _ = start_app(corpus, index, extra_env={"ASSISTANT_API_KEY": KEY})
    rounds = []
    try:
        _run(url, scripts[:1], parallel=False)  # warm the models up
        for _ in bar(range(args.repeats), desc=f"{args.sessions} API clients", unit="round"):
            seq, seq_s = _run(url, scripts, parallel=False)
            par, par_s = _run(url, scripts, parallel=True)
            rounds.append({"concurrent": _round(scripts, par, par_s), "sequential": _round(scripts, seq, seq_s)})
    finally:
        stop_app(proc)
    results: dict = {"corpus": corpus.name, "clients": args.sessions, "turns_per_client": args.turns, "streaming": True}
    results.update(summarise_rounds(rounds))
    params = {k: v for k, v in vars(args).items() if k not in ("func", "out", "work", "tag")}
    return save("api-concurrency", params, results, out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)


def add_arguments(p) -> None:
    p.add_argument("--sessions", type=int, default=8, help="simultaneous API clients (default 8)")
    p.add_argument("--turns", type=int, default=3, help="turns per client, at most 3 (default 3)")
    p.add_argument("--repeats", type=int, default=3, help="rounds; figures are medians (default 3)")
    p.add_argument("--own-corpus", action="store_true", help="use corpus/ even when mini_squad_v2 is present")
