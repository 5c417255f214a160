"""Benchmark 5: simultaneous chat sessions against one app server process.

One ``python app.py`` serves the mini_squad_v2 corpus (ten unrelated
Wikipedia articles; our own corpus when it is absent). Each session is one
``gradio_client`` client, so one server-side chat history, and talks about
its own article: a question, then follow-ups that only make sense with that
session's history ("When did he die?"). A follow-up whose sources name
another session's article and not its own is a mixed-up history.

The baseline is the same sessions run one at a time against the same server
in the same run; throughput is turns per second, latency per turn.
"""
from __future__ import annotations

import re
import statistics
import threading
import time
from pathlib import Path

from .app_client import AppSession, start_app, stop_app
from .common import ROOT, SQUAD, bar, build_embedder, ensure_index, percentile, ratio, save, work_root

# Hand-written (not taken from the dataset): an opening question naming the
# topic, then follow-ups that lean on it.
SQUAD_SCRIPTS = [
    ("frédéric_chopin.txt", ["Where was Frédéric Chopin born?", "When did he move to Paris?", "What did he compose?"]),
    ("beyoncé.txt", ["Who is Beyoncé Knowles?", "When was she born?", "Which group made her famous?"]),
    ("nanjing.txt", ["What is Nanjing?", "What is its population?", "Which dynasties made it their capital?"]),
    ("new_york_city.txt", ["How many boroughs does New York City have?", "What is its population?", "When was it founded?"]),
    ("portugal.txt", ["What is the capital of Portugal?", "What language do they speak there?", "When did it join the European Union?"]),
    ("southampton.txt", ["Where is Southampton?", "What is its port known for?", "Which football club plays there?"]),
    ("buddhism.txt", ["Who founded Buddhism?", "What are its main teachings?", "Where did it spread?"]),
    ("alps.txt", ["Which countries do the Alps cross?", "What is their highest mountain?", "How were they formed?"]),
    ("american_idol.txt", ["When did American Idol first air?", "Who were its judges?", "Who won its first season?"]),
    ("new_haven_connecticut.txt", ["Which university is in New Haven?", "When was it founded?", "What is the city's population?"]),
]
CORPUS_SCRIPTS = [
    ("", ["When was Xiaomi founded?", "Who founded it?"]),
    ("", ["What is the Xiaomi SU7?", "How much does it cost?"]),
]
_SOURCE = re.compile(r"[\w\-.À-ɏ]+\.txt")


def _session(url: str, script: list[str], record: list, barrier: threading.Barrier | None) -> None:
    session = AppSession(url)  # one client = one session = one server-side history
    if barrier:
        barrier.wait()
    for turn, q in enumerate(script):
        t0 = time.perf_counter()
        try:
            reply, err = session.ask(q), ""
        except Exception as e:  # recorded, not raised: the benchmark counts errors
            reply, err = "", f"{type(e).__name__}: {e}"[:200]
        t1 = time.perf_counter()
        record.append({"turn": turn, "start": t0, "end": t1, "seconds": t1 - t0, "reply": reply, "error": err})


def _run_sessions(url: str, scripts: list[tuple[str, list[str]]], parallel: bool) -> tuple[list[list[dict]], float]:
    """Run every script; returns the per-turn records and the wall time from first question to last reply."""
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
    # Client set-up (an HTTP handshake per session) is not part of the chat:
    # count from the first question to the last reply, or the turns themselves one after another.
    if parallel:
        return records, max(r["end"] for r in turns) - min(r["start"] for r in turns)
    return records, sum(r["seconds"] for r in turns)


def _check(scripts, records) -> dict:
    """Errors, and follow-ups whose sources point at another session's article."""
    own_files = {f for f, _ in scripts if f}
    errors = sum(1 for rec in records for r in rec if r["error"])
    mixed, own_cited, followups = 0, 0, 0
    for (own, _), rec in zip(scripts, records):
        for r in rec:
            if r["turn"] == 0 or not own:
                continue
            followups += 1
            cited = set(_SOURCE.findall(r["reply"]))
            own_cited += own in cited
            mixed += bool(cited & (own_files - {own})) and own not in cited
    return {"errors": errors, "followups": followups, "followups_citing_own_article": own_cited, "mixed_up_histories": mixed}


def _figures(records, seconds: float) -> dict:
    turns = [r["seconds"] for rec in records for r in rec]
    return {
        "turns": len(turns),
        "seconds": round(seconds, 2),
        "turns_per_s": round(len(turns) / seconds, 3),
        "turn_p50_ms": round(percentile(turns, 50) * 1000, 1),
        "turn_p95_ms": round(percentile(turns, 95) * 1000, 1),
    }


def run(args) -> Path:
    """Run the concurrency benchmark with the CLI ``args`` and write ``concurrency.json``."""
    started = time.perf_counter()
    work = work_root(args.work)
    if SQUAD.is_dir() and not args.own_corpus:
        corpus, base = SQUAD, SQUAD_SCRIPTS
    else:
        corpus, base = ROOT / "corpus", CORPUS_SCRIPTS
    index = work / f"index-{corpus.name}"
    ensure_index(corpus, index, build_embedder())  # the server then finds everything unchanged
    scripts = [(f, s[: args.turns]) for f, s in (base[i % len(base)] for i in range(args.sessions))]
    proc, url, _ = start_app(corpus, index)
    rounds = []
    try:
        _run_sessions(url, scripts[:1], parallel=False)  # warm the models up
        for _ in bar(range(args.repeats), desc=f"{args.sessions} sessions", unit="round"):
            seq, seq_s = _run_sessions(url, scripts, parallel=False)
            par, par_s = _run_sessions(url, scripts, parallel=True)
            rounds.append({"concurrent": {**_figures(par, par_s), **_check(scripts, par)},
                           "sequential": {**_figures(seq, seq_s), **_check(scripts, seq)}})
    finally:
        stop_app(proc)
    results: dict = {"corpus": corpus.name, "sessions": args.sessions, "turns_per_session": args.turns}
    results.update(summarise_rounds(rounds))
    params = {k: v for k, v in vars(args).items() if k not in ("func", "out", "work", "tag")}
    return save("concurrency", params, results, out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)


def summarise_rounds(rounds: list[dict]) -> dict:
    """Medians over rounds of each mode's figures, error and mix-up totals, and the concurrent/sequential ratios."""
    out: dict = {}
    for mode in ("concurrent", "sequential"):
        keys = rounds[0][mode].keys()
        out[mode] = {k: statistics.median(r[mode][k] for r in rounds) for k in keys}
        out[mode]["errors_total"] = sum(r[mode]["errors"] for r in rounds)
        out[mode]["mixed_up_total"] = sum(r[mode]["mixed_up_histories"] for r in rounds)
    out["throughput_vs_sequential"] = ratio(out["concurrent"]["turns_per_s"], out["sequential"]["turns_per_s"])
    out["p95_vs_sequential"] = ratio(out["concurrent"]["turn_p95_ms"], out["sequential"]["turn_p95_ms"])
    out["rounds"] = rounds
    return out


def add_arguments(p) -> None:
    p.add_argument("--sessions", type=int, default=8, help="simultaneous chat sessions (default 8)")
    p.add_argument("--turns", type=int, default=3, help="turns per session, at most 3 (default 3)")
    p.add_argument("--repeats", type=int, default=3, help="rounds; figures are medians (default 3)")
    p.add_argument("--own-corpus", action="store_true", help="use corpus/ even when mini_squad_v2 is present")
