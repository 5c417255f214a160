"""The extractive gate means the same on a small corpus and a bigger one (real index, real embedder)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PACKAGES = Path(__file__).resolve().parents[1] / "evals" / "calibration" / "packages"
QUESTIONS = [
    ("What is the starting price of the Xiaomi SU7?", False),
    ("What year was Xiaomi founded?", False),
    ("Who is the CEO of Tesla?", True),
    ("What is the capital of France?", True),
]


def test_gate_decisions_do_not_flip_when_unrelated_files_are_added(make_workspace):
    ws = make_workspace("persistent", "gate-growth")
    bot = ws.assistant()
    bot.ingest()
    before = {q: bot.ask(q) for q, _ in QUESTIONS}
    for q, refuse in QUESTIONS:
        assert before[q].refused == refuse, (q, before[q].notes)

    for half in ("half_a", "half_b"):  # eight unrelated help pages: the corpus more than doubles
        for f in (PACKAGES / half).iterdir():
            shutil.copy(f, ws.corpus / f.name)
    grown = ws.assistant()
    assert grown.ingest().count("added") == 8
    for q, refuse in QUESTIONS:
        after = grown.ask(q)
        assert after.refused == before[q].refused, (q, before[q].notes, after.notes)
        if refuse:
            assert after.closest and not after.citations  # closest passages, never citations


def test_refusal_points_to_the_closest_passages(ingested):
    ans = ingested.assistant().ask("Who is the CEO of Tesla?")
    assert ans.refused and ans.citations == []
    assert 1 <= len(ans.closest) <= 2
    for c in ans.closest:
        lines = (ingested.corpus / c.source).read_text(encoding="utf-8").split("\n")
        assert c.quote in "\n".join(lines[c.start_line - 1 : c.end_line])
    assert ans.to_dict()["closest"][0]["source"] == ans.closest[0].source
