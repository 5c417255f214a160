"""Soak test: many questions from concurrent sessions against one server, with re-ingests in between.

    python -m soak                      # 500 questions, 3 sessions, the real served app
    python -m soak --questions 60       # a small run
    python -m soak --mode threads       # one Assistant shared by threads, no web server

``app`` mode starts the real UI (``python -m assistant.cli serve``) on a copy
of the corpus and drives it through ``gradio_client``, one client per
session, exactly as browsers would: questions go to the chat endpoint and
re-ingests to the Re-index button's endpoint. RSS is sampled from the server
process. ``threads`` mode shares one :class:`~assistant.api.Assistant`
between threads in this process.

Between questions a scratch note in the corpus copy is rewritten or deleted
and re-ingested; right after each re-ingest a freshness question checks that
the new note (or its absence) is what the index now answers from.

Reports errors (target 0), p95 latency of the first vs the last window of
questions, RSS growth, and writes JSON to ``soak/results/``. Exit status 1
when any error happened.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTE = "soak_note.txt"
FRESH_Q = "How many boxes does the Ferrow archive hold?"


@dataclass
class Result:
    i: int
    session: int
    question: str
    seconds: float
    ok: bool
    refused: bool = False
    error: str = ""
    done_at: float = 0.0


@dataclass
class Report:
    mode: str
    backend: str
    questions: int
    sessions: int
    results: list[Result] = field(default_factory=list)
    reingests: list[dict] = field(default_factory=list)
    rss: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, bytes)
    started: float = field(default_factory=time.time)
    warm_at: float = 0.0  # seconds after start when every session had its untimed warm-up answer


def questions() -> list[str]:
    """The gold questions (answerable, unanswerable and hostile), in a fixed order."""
    gold = json.loads((ROOT / "evals" / "gold" / "xiaomi.json").read_text())
    return [ex["query"] for ex in gold.get("examples", gold)]


def rss_of(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# -- the two ways of talking to one server ------------------------------------------


class AppTarget:
    """The real Gradio app in a child process, driven by gradio_client."""

    def __init__(self, work: Path, backend: str, port: int):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False", "ASSISTANT_BACKEND": backend}
        env = {k: v for k, v in env.items() if not k.startswith("ASSISTANT_") or k in ("ASSISTANT_BACKEND",)}
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = work / "server.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--corpus", str(work / "corpus"), "--index", str(work / "index"),
             "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=work,
        )
        self.pid = self.proc.pid
        self._wait()
        from gradio_client import Client

        probe = Client(self.url, verbose=False)
        names = list(probe.view_api(return_format="dict", print_info=False)["named_endpoints"])
        self.ask_api = _endpoint(names, "/on_ask")
        self.clear_api = next((n for n in names if n.startswith("/clear")), None)
        self.reindex_api = _endpoint(names, "/on_reindex")
        self._reindexer = probe

    def _wait(self) -> None:
        import urllib.request

        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.url, timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("the server did not start within 600 s")

    def session(self):
        from gradio_client import Client

        client = Client(self.url, verbose=False)
        asked = itertools.count(1)

        def ask(q: str) -> tuple[bool, str]:
            if self.clear_api and next(asked) % 15 == 0:  # a user starts a new chat now and then
                client.predict(api_name=self.clear_api)
            messages, _box = client.predict(q, api_name=self.ask_api)
            last = _text(messages[-1]) if messages else ""
            if "dc-error" in last:
                return False, re.sub(r"<[^>]+>", " ", last).strip()[:300]
            if "dc-answer" not in last:  # neither answer, refusal nor error: the UI lost the turn
                return False, f"unexpected chat message: {last[:200]}"
            return "dc-refused" in last, ""

        return ask

    def reingest(self) -> str:
        _table, msg, _pick = self._reindexer.predict(api_name=self.reindex_api)
        text = re.sub(r"<[^>]+>", " ", msg)
        bad = re.search(r"(error|fail|could not|unexpected)[^.]*", text, re.I)
        return bad.group(0)[:300] if bad else ""

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class ThreadsTarget:
    """One Assistant in this process, shared by all session threads."""

    def __init__(self, work: Path, backend: str, port: int):
        from assistant.api import Assistant
        from assistant.logs import quiet
        from assistant.settings import Settings

        quiet()
        self.bot = Assistant(Settings().replace(corpus_dir=work / "corpus", index_dir=work / "index", backend=backend))
        self.bot.ingest()
        self.pid = os.getpid()

    def session(self):
        from assistant.errors import AssistantError

        history: list[dict] = []

        def ask(q: str) -> tuple[bool, str]:
            try:
                ans = self.bot.ask(q, history[-6:])
            except AssistantError as e:
                return False, e.user_message()
            history.extend([{"role": "user", "content": q}, {"role": "assistant", "content": ans.text}])
            return ans.refused, ""

        return ask

    def reingest(self) -> str:
        from assistant.errors import AssistantError

        try:
            self.bot.ingest()
        except AssistantError as e:
            return e.user_message()
        return ""

    def close(self) -> None:
        pass


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _endpoint(names: list[str], want: str) -> str:
    if want not in names:
        raise SystemExit(f"the app has no {want} endpoint (has: {', '.join(names)}); try --mode threads")
    return want


def _text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(c.get("text", c) if isinstance(c, dict) else c) for c in content)
    return str(content)


# -- the run ------------------------------------------------------------------------------


def run(args) -> Report:
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    shutil.copytree(ROOT / "corpus", work / "corpus", copy_function=shutil.copyfile)
    target = (AppTarget if args.mode == "app" else ThreadsTarget)(work, args.backend, args.port)
    rep = Report(args.mode, args.backend, args.questions, args.sessions)
    pool = questions()
    lock = threading.Lock()
    next_i = itertools.count()
    done = threading.Event()

    def warmed():
        rep.warm_at = round(time.monotonic() - t0, 2)
        rep.rss.append((rep.warm_at, rss_of(target.pid)))

    ready = threading.Barrier(args.sessions, action=warmed)
    t0 = time.monotonic()

    def sampler():
        while not done.is_set():
            try:
                rep.rss.append((round(time.monotonic() - t0, 2), rss_of(target.pid)))
            except OSError:
                pass
            done.wait(args.rss_every)

    def worker(sid: int):
        ask = target.session()
        ask(pool[sid % len(pool)])  # warm-up, untimed: the first answer loads models and caches
        ready.wait()
        while True:
            i = next(next_i)
            if i >= args.questions:
                return
            q = pool[i % len(pool)]
            t = time.monotonic()
            try:
                refused, err = ask(q)
            except Exception as e:  # noqa: BLE001 - a soak counts every failure, whatever it is
                refused, err = False, f"{type(e).__name__}: {str(e)[:200]}"
            r = Result(i, sid, q, round(time.monotonic() - t, 4), not err, refused, err, round(time.monotonic() - t0, 2))
            with lock:
                rep.results.append(r)
                n = len(rep.results)
            if err:
                print(f"  error on question {i}: {err}", file=sys.stderr)
            if args.progress and n % args.progress == 0:
                print(f"  {n}/{args.questions} questions", file=sys.stderr)

    def reingester():
        ask = target.session()
        k, mark = 0, args.reingest_every
        while not done.is_set():
            with lock:
                n = len(rep.results)
            if n < mark or ready.n_waiting:
                done.wait(0.2)
                continue
            k += 1
            mark += args.reingest_every
            note = work / "corpus" / NOTE
            present = k % 3 != 0  # every third round deletes the note
            if present:
                note.write_text(f"Soak round {k}.\nThe Ferrow archive holds {1000 + k} boxes of letters.\n")
            elif note.exists():
                note.unlink()
            t = time.monotonic()
            err = target.reingest()
            secs = time.monotonic() - t
            if not err:  # the index must now answer from the new note, or no longer from it
                refused, err = ask(FRESH_Q)
                if not err and present and refused:
                    err = f"freshness: the re-ingested note (round {k}) was not found"
                elif not err and not present and not refused:
                    err = f"freshness: the deleted note (round {k}) still answers"
            rep.reingests.append({"round": k, "after_questions": n, "seconds": round(secs, 3), "note": present, "error": err})
            if err:
                print(f"  re-ingest {k}: {err}", file=sys.stderr)

    threads = [threading.Thread(target=sampler, daemon=True)]
    workers = [threading.Thread(target=worker, args=(s,)) for s in range(args.sessions)]
    re_thread = threading.Thread(target=reingester, daemon=True)
    try:
        for t in threads + workers + [re_thread]:
            t.start()
        for t in workers:
            t.join()
        done.set()
        re_thread.join(timeout=600)
        rep.rss.append((round(time.monotonic() - t0, 2), rss_of(target.pid)))
    finally:
        done.set()
        target.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return rep


def p95(xs: list[float]) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def summarise(rep: Report) -> dict:
    res = sorted(rep.results, key=lambda r: r.done_at)
    w = min(100, max(1, len(res) // 3))
    first, last = [r.seconds for r in res[:w]], [r.seconds for r in res[-w:]]
    rss = [b for t, b in sorted(rep.rss) if b and t >= rep.warm_at]
    warm_at = res[w - 1].done_at if res else 0.0
    warm = next((b for t, b in sorted(rep.rss) if t >= warm_at and b), rss[0] if rss else 0)
    errors = [r for r in res if not r.ok] + [g for g in rep.reingests if g["error"]]
    return {
        "mode": rep.mode,
        "backend": rep.backend,
        "questions": len(res),
        "sessions": rep.sessions,
        "errors": len(errors),
        "refused": sum(r.refused for r in res),
        "reingests": len(rep.reingests),
        "reingest_p95_s": round(p95([g["seconds"] for g in rep.reingests]), 3),
        "window": w,
        "p95_first_s": round(p95(first), 3),
        "p95_last_s": round(p95(last), 3),
        "p95_drift_pct": round(100 * (p95(last) - p95(first)) / p95(first), 1) if first and p95(first) else 0.0,
        "median_s": round(sorted(r.seconds for r in res)[len(res) // 2], 3) if res else 0.0,
        "rss_start_mb": round(rss[0] / 1e6, 1) if rss else 0,
        "rss_after_first_window_mb": round(warm / 1e6, 1),
        "rss_end_mb": round(rss[-1] / 1e6, 1) if rss else 0,
        "rss_max_mb": round(max(rss) / 1e6, 1) if rss else 0,
        "rss_growth_after_warmup_mb": round((rss[-1] - warm) / 1e6, 1) if rss else 0,
        "wall_s": round(res[-1].done_at, 1) if res else 0,
        "error_samples": [getattr(e, "error", None) or e.get("error") for e in errors[:5]],
    }


def markdown(s: dict) -> str:
    rows = [
        ("questions / sessions / re-ingests", f"{s['questions']} / {s['sessions']} / {s['reingests']}"),
        ("errors (target 0)", s["errors"]),
        ("refusals (unanswerable and hostile gold questions)", s["refused"]),
        (f"p95 latency, first {s['window']} questions", f"{s['p95_first_s']} s"),
        (f"p95 latency, last {s['window']} questions", f"{s['p95_last_s']} s ({s['p95_drift_pct']:+}%)"),
        ("median latency", f"{s['median_s']} s"),
        ("re-ingest p95", f"{s['reingest_p95_s']} s"),
        ("server RSS: after warm-up / after first window / end / max", f"{s['rss_start_mb']} / {s['rss_after_first_window_mb']} / {s['rss_end_mb']} / {s['rss_max_mb']} MB"),
        ("RSS growth after warm-up", f"{s['rss_growth_after_warmup_mb']} MB"),
        ("wall time", f"{s['wall_s']} s"),
    ]
    head = f"Soak: mode `{s['mode']}`, backend `{s['backend']}`\n\n| measure | value |\n|---|---|\n"
    return head + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--questions", type=int, default=500, help="questions in all (default 500)")
    p.add_argument("--sessions", type=int, default=3, help="concurrent chat sessions (default 3)")
    p.add_argument("--reingest-every", type=int, default=25, help="re-ingest after every N answered questions (default 25)")
    p.add_argument("--mode", choices=["app", "threads"], default="app", help="app: the served Gradio app (default); threads: one shared Assistant")
    p.add_argument("--backend", default="extractive", help="answer backend of the server (default extractive)")
    p.add_argument("--port", type=int, default=0, help="port for the app (default: a free one)")
    p.add_argument("--rss-every", type=float, default=1.0, help="seconds between RSS samples")
    p.add_argument("--progress", type=int, default=50, help="print progress every N questions (0: quiet)")
    p.add_argument("--out", default=str(ROOT / "soak" / "results"), help="folder for the JSON result")
    p.add_argument("--keep", action="store_true", help="keep the temporary corpus copy, index and server log")
    args = p.parse_args(argv)
    rep = run(args)
    s = summarise(rep)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"soak-{time.strftime('%Y%m%d-%H%M%S')}-{s['mode']}-{s['questions']}q.json"
    path.write_text(json.dumps({"summary": s, "results": [asdict(r) for r in rep.results], "reingests": rep.reingests,
                                "rss": rep.rss}, indent=1))
    print(markdown(s))
    print(f"details: {path}")
    return 1 if s["errors"] else 0
