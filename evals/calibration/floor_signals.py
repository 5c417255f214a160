"""Signals of the generated path's floor (assistant/gate.py ``nothing_found``) on our calibration sets.

    .venv/bin/python evals/calibration/floor_signals.py

For each set it indexes the corpus into a temp folder, asks every question and
prints the best sentence similarity and the question-word coverage of the top
passages, for answerable items and for negatives (unanswerable near-topic
items, a half of the package-docs corpus asked about the other half, and
package questions asked of the five articles). The floor must sit under every
answerable item; it is meant to catch only questions the documents are not
about at all. Not our gold set, not mini_squad_v2.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.api import Assistant  # noqa: E402
from assistant.gate import FLOOR_COVERAGE, FLOOR_SIMILARITY  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.support import passage_coverage, score_spans  # noqa: E402

CAL = ROOT / "evals" / "calibration"
# (name, corpus, questions, every item is a negative)
SETS = [
    ("xiaomi_near", ROOT / "corpus", CAL / "xiaomi_near.json", False),
    ("a_on_a", CAL / "packages" / "half_a", CAL / "packages_a.json", False),
    ("b_on_b", CAL / "packages" / "half_b", CAL / "packages_b.json", False),
    ("a_on_b", CAL / "packages" / "half_b", CAL / "packages_a.json", True),
    ("b_on_a", CAL / "packages" / "half_a", CAL / "packages_b.json", True),
    ("a_on_articles", ROOT / "corpus", CAL / "packages_a.json", True),
    ("essay", CAL / "essay", CAL / "essay_set.json", False),
    ("helpdesk", CAL / "helpdesk", CAL / "helpdesk_set.json", False),
    ("encyclopedia", CAL / "encyclopedia", CAL / "encyclopedia_set.json", False),
    ("essay_on_helpdesk", CAL / "helpdesk", CAL / "essay_set.json", True),
    ("helpdesk_on_encyclopedia", CAL / "encyclopedia", CAL / "helpdesk_set.json", True),
]


def signals(corpus: Path, dataset: Path, embedder=None):
    bot = Assistant(Settings.load(corpus_dir=corpus, index_dir=tempfile.mkdtemp(prefix="floor-")), embedder=embedder)
    bot.ingest()
    retriever = bot.engine.retriever
    rows = []
    for ex in json.loads(dataset.read_text(encoding="utf-8"))["examples"]:
        q = ex["query"]
        qvec = bot.embedder.get_query_embedding(q)
        passages = retriever.retrieve(q, qvec=qvec)
        scored = score_spans(q, qvec, passages, bot.embedder, retriever.bm25.idf_of)
        best = max((s.similarity for s in scored), default=0.0)
        rows.append((bool(ex.get("expect_refusal")), best, passage_coverage(q, passages, retriever.bm25.idf_of), q))
    return rows, bot.embedder


def main() -> None:
    embedder = None
    for name, corpus, dataset, negative in SETS:
        rows, embedder = signals(corpus, dataset, embedder)
        ans = [r for r in rows if not (negative or r[0])]
        neg = [r for r in rows if negative or r[0]]
        under = lambda rs: sum(r[1] < FLOOR_SIMILARITY and r[2] < FLOOR_COVERAGE for r in rs)  # noqa: E731
        print(f"{name}: {len(ans)} answerable, {under(ans)} under the floor; {len(neg)} negatives, {under(neg)} under the floor")
        for r in sorted(ans, key=lambda r: r[1])[:2]:
            print(f"    lowest answerable: similarity {r[1]:.3f}, coverage {r[2]:.3f}: {r[3]}")


if __name__ == "__main__":
    main()
