"""Fit the extractive backend's sentence ranker and refusal gate on our own calibration sets.

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python evals/calibration/fit.py [--no-fit]

Runs (each corpus indexed into a throwaway folder, the real embedder):
- xiaomi_near.json on corpus/: answerable paraphrases and near-topic unanswerables;
- packages_a.json on packages/half_a (answerable) and on packages/half_b
  (unanswerable by construction), and packages_b.json the other way round.

Train: xiaomi_near + packages_a. Held out: packages_b (both ways). Writes
features.jsonl (the data) and weights.json (weights, threshold, figures).
``--no-fit`` only reports the weights now in assistant/support.py and gate.py.
Never run on evals/gold or mini_squad_v2: those are the sets we report on.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from assistant import gate, support  # noqa: E402
from assistant.api import Assistant  # noqa: E402
from assistant.compose import candidates, compose  # noqa: E402
from assistant.evals.metrics import facts_found  # noqa: E402
from assistant.settings import Settings  # noqa: E402

RUNS = [  # (question set, corpus, answerable there, split)
    ("xiaomi_near.json", ROOT / "corpus", None, "train"),
    ("packages_a.json", HERE / "packages/half_a", True, "train"),
    ("packages_a.json", HERE / "packages/half_b", False, "train"),
    ("packages_b.json", HERE / "packages/half_b", True, "test"),
    ("packages_b.json", HERE / "packages/half_a", False, "test"),
]
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]  # candidate cut-offs, coarse on purpose: 113 training items


def youden(rows: list[dict], w, b) -> float:
    """The cut-off with the best refusal recall minus false-refusal rate on ``rows`` (the lower one on a tie)."""
    def j(t: float) -> float:
        fig = gate_figures(rows, w, b, t)
        return fig["refusal_recall"] - fig["false_refusal_rate"]
    return max(THRESHOLDS, key=lambda t: (round(j(t), 3), -t))


def collect() -> list[dict]:
    rows = []
    embedder = None
    for qfile, corpus, answerable, split in RUNS:
        items = json.loads((HERE / qfile).read_text())["examples"]
        with tempfile.TemporaryDirectory(prefix="calib-") as tmp:
            bot = Assistant(Settings.load(corpus_dir=corpus, index_dir=tmp), embedder=embedder)
            embedder = bot.embedder
            bot.ingest()
            eng = bot.engine
            for it in items:
                q = it["query"]
                qvec = embedder.get_query_embedding(q)
                passages = eng.retriever.retrieve(q, qvec=qvec)
                scored = support.score_spans(q, qvec, passages, embedder, eng.retriever.bm25.idf_of)
                ok = (not it["expect_refusal"]) if answerable is None else answerable
                facts = it["key_facts"] if ok else []
                sents = [{"f": list(s.features), "y": int(bool(facts) and any(facts_found(s.span.text, facts)))}
                         for s in candidates(scored)]
                chosen = compose(q, scored)
                first = bool(facts) and bool(chosen) and any(facts_found(chosen[0].span.text, facts))
                said = " ".join(c.span.text for c in chosen)
                all_facts = bool(facts) and all(facts_found(said, facts))
                rows.append({"id": it["id"], "question": q, "corpus": corpus.name, "split": split, "answerable": ok,
                             "gate": list(gate.gate_features(q, passages, scored, eng.retriever.bm25.idf_of)), "sentences": sents, "first_has_fact": first,
                             "all_facts": all_facts, "n_sentences": len(chosen)})
    return rows


# The sign each gate weight may take: evidence (similarity, coverage, a typed
# answer, a gap above the background) may only raise the score; a wrong-typed
# lead or a missing name may only lower it.
GATE_SIGNS = np.array([1, 1, 1, 1, 1, -1, -1, 1], dtype=float)


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 3000, lr: float = 0.5,
             signs: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by gradient descent (no extra dependency).

    With ``signs``, each weight is held on its side of zero (projected
    gradient), so the fitted model stays monotone in its features.
    """
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + l2 * w / len(y))
        b -= lr * g.mean()
        if signs is not None:
            w = np.where(w * signs < 0, 0.0, w)
    return w, b


def pairwise(rows: list[dict]) -> np.ndarray:
    """Ranking weights: logistic regression on (sentence with a key fact) - (sentence without), within each question.

    Each question weighs the same however many sentences it has (pairs are
    subsampled to at most 200 per question, in a fixed order).
    """
    diffs = []
    for r in rows:
        if not r["answerable"]:
            continue
        pos = [s["f"] for s in r["sentences"] if s["y"]]
        neg = [s["f"] for s in r["sentences"] if not s["y"]]
        pairs = [(np.subtract(p, n)) for p in pos for n in neg][:200]
        diffs += pairs
    x = np.array(diffs + [-d for d in diffs])
    y = np.array([1.0] * len(diffs) + [0.0] * len(diffs))
    w, _ = logistic(x, y, l2=1.0, steps=4000, lr=1.0)
    return w


def gate_prob(f, w, b) -> float:
    return float(1 / (1 + np.exp(-(np.dot(w, f) + b))))


def gate_figures(rows: list[dict], w, b, thr: float) -> dict:
    ans = [r for r in rows if r["answerable"]]
    neg = [r for r in rows if not r["answerable"]]
    refused_ans = sum(gate_prob(r["gate"], w, b) < thr for r in ans)
    refused_neg = sum(gate_prob(r["gate"], w, b) < thr for r in neg)
    refused = refused_ans + refused_neg
    return {"answerable": len(ans), "unanswerable": len(neg),
            "false_refusal_rate": round(refused_ans / max(1, len(ans)), 3),
            "refusal_recall": round(refused_neg / max(1, len(neg)), 3),
            "refusal_precision": round(refused_neg / refused, 3) if refused else None}


def top1(rows: list[dict], w) -> float:
    """Share of answerable questions whose top-ranked sentence holds a key fact."""
    hits = []
    for r in rows:
        if r["answerable"] and any(s["y"] for s in r["sentences"]):
            best = max(r["sentences"], key=lambda s: float(np.dot(w, s["f"])))
            hits.append(best["y"])
    return round(float(np.mean(hits)), 3) if hits else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-fit", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="read features.jsonl instead of re-running the assistant")
    args = ap.parse_args()
    data = HERE / "features.jsonl"
    if args.reuse:
        rows = [json.loads(line) for line in data.read_text().splitlines()]
    else:
        rows = collect()
        data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    if args.no_fit:
        rw = np.array(support.RANK_WEIGHTS)
        gw, gb = np.array(gate.GATE_WEIGHTS), gate.GATE_BIAS
    else:
        rw = pairwise(train)
        gx = np.array([r["gate"] for r in train])
        gy = np.array([r["answerable"] for r in train], dtype=float)
        gw, gb = logistic(gx, gy, l2=0.5, steps=20000, lr=1.0, signs=GATE_SIGNS)
    thr = youden(train, gw, gb)
    out = {
        "rank_features": list(support.FEATURES), "rank_weights": [round(float(v), 3) for v in rw],
        "gate_features": list(gate.GATE_FEATURES), "gate_weights": [round(float(v), 3) for v in gw],
        "gate_bias": round(float(gb), 3), "refusal_threshold": round(thr, 3),
        "train": {"gate": gate_figures(train, gw, gb, thr), "top1_has_fact": top1(train, rw)},
        "held_out": {"gate": gate_figures(test, gw, gb, thr), "top1_has_fact": top1(test, rw)},
        "answer_has_all_facts": {
            split: round(float(np.mean([r["all_facts"] for r in rs if r["answerable"]])), 3)
            for split, rs in (("train", train), ("held_out", test))
        },
        "sentences_per_answer": round(float(np.mean([r["n_sentences"] for r in rows if r["answerable"]])), 2),
        "first_sentence_has_fact": {
            split: round(float(np.mean([r["first_has_fact"] for r in rs if r["answerable"]])), 3)
            for split, rs in (("train", train), ("held_out", test))
        },
    }
    if not args.no_fit:
        (HERE / "weights.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
