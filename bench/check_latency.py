"""Benchmark: what the answer check costs per generated answer.

Every question of a question set is answered twice through the same
:class:`assistant.Assistant` with a scripted chat model (so generation costs
nothing and varies nothing): once with ``answer_check`` on, once off, in
alternation, so machine load hits both alike. The model's draft is a
realistic cited answer: the three best-scored sentences of the passages it
was shown, each cited to its passage, plus one invented sentence for the
check to remove. Reported per round: p50/p95 of ``timings["check"]`` (the
check alone) and of the whole answer with the check on and off, and their
ratio; the figures are the median of the rounds.

Target (issue #11): the check adds at most 20 ms p50 per answer.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from .common import ROOT, build_embedder, work_root, ensure_index, median_of, ratio, save, settings_for, stats_ms

QUESTIONS = ROOT / "evals" / "calibration" / "xiaomi_near.json"  # our own set; not the gold set
_PASSAGE = re.compile(r"^\[(\d+)\] \(.*?\)\n(.*?)(?=\n\n\[\d+\] \(|\n\nQuestion:)", re.S | re.M)


class CitingModel:
    """A stand-in chat model: quotes the shown passages' first sentences, cited, and adds an invention."""

    name, chat = "openai", True

    def generate(self, system: str, user: str, completion: str):
        parts = []
        for m in list(_PASSAGE.finditer(user))[:3]:
            first = re.split(r"(?<=[.!?])\s+", m.group(2).strip())[0]
            parts.append(f"{first.rstrip('.')} [{m.group(1)}].")
        parts.append("It also comes with free charging for life [1].")
        yield " ".join(parts)


def _questions(limit: int | None) -> list[str]:
    data = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    qs = [e["query"] for e in data["examples"] if not e.get("expect_refusal")]
    return qs[:limit] if limit else qs


def run(args) -> Path:
    from assistant.api import Assistant

    started = time.time()
    work = work_root(args.work) / "check"
    corpus, index = ROOT / "corpus", work / "index"
    embedder = build_embedder()
    ensure_index(corpus, index, embedder, progress=False)
    questions = _questions(args.questions)
    on = Assistant(settings_for(corpus, index, backend="openai"), embedder=embedder, generator=CitingModel())
    off = on.with_settings(answer_check=False)  # same embedder, store and model
    for q in questions[:3]:  # warm caches (sentence vectors, corpus names) for both
        on.ask(q), off.ask(q)
    rounds = []
    for _ in range(args.rounds):
        check, total_on, total_off, removed = [], [], [], 0
        for q in questions:
            a = on.ask(q)
            b = off.ask(q)
            if "check" in a.timings:
                check.append(a.timings["check"])
            total_on.append(a.timings["total"])
            total_off.append(b.timings["total"])
            removed += any(c.verdict == "removed" for c in a.claims)
        r = {f"check_{k}": v for k, v in stats_ms(check).items()}
        r.update({f"answer_on_{k}": v for k, v in stats_ms(total_on).items()})
        r.update({f"answer_off_{k}": v for k, v in stats_ms(total_off).items()})
        r["answers_with_a_removal"] = removed / len(questions)
        rounds.append(r)
    summary = median_of(rounds)
    summary["ratio_p50_on_vs_off"] = ratio(summary["answer_on_p50"], summary["answer_off_p50"])
    params = {"questions": len(questions), "rounds": args.rounds, "question_set": str(QUESTIONS.relative_to(ROOT))}
    return save("check", params, {"rounds": rounds, "median": summary}, Path(args.out) if args.out else None, args.tag, started)


def add_arguments(p) -> None:
    p.add_argument("--rounds", type=int, default=3, help="rounds; the figures are their median")
    p.add_argument("--questions", type=int, default=None, help="only the first N answerable questions")
