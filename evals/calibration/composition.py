"""How well extractive answers are composed, on our calibration sets (never the reported ones).

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python evals/calibration/composition.py

For every answerable question of the five families' sets and of the list and
multi-document sets (``*_spanning.json``), it runs retrieval, sentence
scoring and :func:`assistant.compose.compose` (no gate) and reports, per kind
of question (one-answer, list, several documents; the one-answer questions
of each family never fitted on apart):

- ``all_facts``: the answer holds every key fact;
- ``fact_recall``: the share of key facts it holds;
- ``sentences``: sentences per answer;
- ``every_sentence_holds_a_fact``: of the answers holding some key fact, the
  share whose every sentence holds one (the issue's "no padding"; the eval's
  citation-support metric asks the same of citations).

These are the figures behind the composition rules in
docs/extractive-answers.md. Uses the indexes fit.py keeps in build/calibration/.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from assistant import support  # noqa: E402
from assistant.api import Assistant  # noqa: E402
from assistant.compose import compose, part_ranker  # noqa: E402
from assistant.scope import quoted  # noqa: E402
from assistant.evals.metrics import facts_found  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from fit import CORPORA, INDEXES, RUNS, UNSEEN_RUNS  # noqa: E402  (this folder is on sys.path when run as a script)

# (question set, corpus in fit.CORPORA): the five families' own sets, then the list and multi-document ones.
SETS = [(qfile, corpus) for qfile, _, corpus, answerable in RUNS + UNSEEN_RUNS if answerable is None] + [
    ("encyclopedia_spanning.json", "encyclopedia"),
    ("helpdesk_spanning.json", "helpdesk"),
]
KINDS = {"list": "list", "multi_doc": "several documents"}
UNSEEN = {qfile: family for qfile, family, _, answerable in UNSEEN_RUNS if answerable is None}  # reported apart


def answer_figures(question: str, chosen, facts: list[list[str]]) -> dict:
    """all_facts, fact_recall, sentences and every_sentence_holds_a_fact (None when no fact is held) of one answer.

    Each sentence is read as the answer shows it (:func:`assistant.scope.quoted`:
    after its headings, when they hold what was asked).
    """
    shown = [quoted(question, c.span) for c in chosen]
    found = facts_found(" ".join(shown), facts)
    stated = [v for v, ok in zip(facts, found) if ok]
    return {"all_facts": all(found), "fact_recall": sum(found) / len(found), "sentences": len(chosen),
            "every_sentence_holds_a_fact": all(any(facts_found(t, stated)) for t in shown) if stated else None}


def main() -> None:
    bots: dict[str, Assistant] = {}
    embedder = None
    rows: dict[str, list[dict]] = {}
    for qfile, corpus in SETS:
        if corpus not in bots:
            bots[corpus] = Assistant(Settings.load(corpus_dir=CORPORA[corpus], index_dir=INDEXES / corpus), embedder=embedder)
            embedder = bots[corpus].embedder
            bots[corpus].ingest()
        eng = bots[corpus].engine
        for it in json.loads((HERE / qfile).read_text(encoding="utf-8"))["examples"]:
            if it["expect_refusal"]:
                continue
            q = it["query"]
            qvec = embedder.get_query_embedding(q)
            passages = eng.retriever.retrieve(q, qvec=qvec)
            scored = support.score_spans(q, qvec, passages, embedder, eng.retriever.bm25.idf_of)
            kind = KINDS.get(it.get("category"), "one answer")
            if kind == "one answer" and qfile in UNSEEN:
                kind = f"one answer, {UNSEEN[qfile]} (never fitted on)"
            rows.setdefault(kind, []).append(answer_figures(q, compose(q, scored, rank_part=part_ranker(passages, embedder, eng.retriever.bm25.idf_of)), it["key_facts"]))
    out = {}
    for kind, figs in rows.items():
        held = [f["every_sentence_holds_a_fact"] for f in figs if f["every_sentence_holds_a_fact"] is not None]
        out[kind] = {"questions": len(figs),
                     **{k: round(sum(f[k] for f in figs) / len(figs), 3) for k in ("all_facts", "fact_recall", "sentences")},
                     "every_sentence_holds_a_fact": round(sum(held) / len(held), 3) if held else None}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
