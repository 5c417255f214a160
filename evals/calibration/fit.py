"""Fit the extractive backend's sentence ranker and refusal gate on our own calibration sets.

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python evals/calibration/fit.py [--no-fit] [--reuse]

Five corpus families of different styles (news articles, package READMEs,
one long essay, help-desk pages, encyclopedia articles), each with its own
hand-written answerable and near-topic unanswerable questions, plus
cross-corpus negatives (a question about one corpus asked of another). Each
corpus is indexed once into build/calibration/ (git-ignored) with the real
embedder.

Every family weighs the same in the fits, however many questions it has.
The held-out figures leave one family out at a time (fit on the other four,
report on it), and the refusal cut-off is the one with the best held-out
refusal recall minus false-refusal rate, averaged over the folds. Two more
families (the employee handbook, a team's workspace) are never fitted on:
they are reported with the weights and cut-off the fit ships
(``unseen_family``). Writes features.jsonl and unseen_features.jsonl (the
data) and weights.json (weights, threshold, figures). ``--no-fit`` reports the weights now in
assistant/support.py and gate.py instead (weights.json then says so). Never run on evals/gold or mini_squad_v2:
those are the sets we report on.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from assistant import gate, spelling, support  # noqa: E402
from assistant.api import Assistant  # noqa: E402
from assistant.compose import candidates, compose, part_ranker  # noqa: E402
from assistant.evals.metrics import facts_found  # noqa: E402
from assistant.settings import Settings  # noqa: E402

CAL = HERE
# Each corpus and the family it belongs to: a held-out fold leaves a whole family out.
CORPORA = {
    "news": ROOT / "corpus",
    "packages_a": CAL / "packages/half_a",
    "packages_b": CAL / "packages/half_b",
    "essay": CAL / "essay",
    "helpdesk": CAL / "helpdesk",
    "encyclopedia": CAL / "encyclopedia",
    "handbook": CAL / "handbook",
    "workspace": CAL / "workspace",
}
FAMILY = {"news": "news", "packages_a": "packages", "packages_b": "packages", "essay": "essay", "helpdesk": "helpdesk",
          "encyclopedia": "encyclopedia", "handbook": "handbook",
          "workspace": "workspace"}
# (question set, its own family, corpus asked, answerable there: None = as the item says, False = cross-corpus negative)
RUNS = [
    ("xiaomi_near.json", "news", "news", None),
    ("packages_a.json", "packages", "packages_a", None),
    ("packages_a.json", "packages", "packages_b", False),
    ("packages_b.json", "packages", "packages_b", None),
    ("packages_b.json", "packages", "packages_a", False),
    ("essay_set.json", "essay", "essay", None),
    ("helpdesk_set.json", "helpdesk", "helpdesk", None),
    ("encyclopedia_set.json", "encyclopedia", "encyclopedia", None),
    # Cross-corpus negatives between styles: a question about one corpus asked of another.
    ("essay_set.json", "essay", "helpdesk", False),
    ("helpdesk_set.json", "helpdesk", "encyclopedia", False),
    ("encyclopedia_set.json", "encyclopedia", "essay", False),
    ("xiaomi_near.json", "news", "encyclopedia", False),
]
# A family the fit never sees, reported with the shipped weights and cut-off:
# how the gate and ranker do on a corpus of a new kind. The employee handbook
# (2026-11-28) was fitted on once as a sixth family; it moved the cut-off to
# 0.35 and raised false refusals elsewhere (docs/extractive-answers.md), so it
# is kept as this check instead.
UNSEEN_RUNS = [
    ("handbook_set.json", "handbook", "handbook", None),
    # Asked of the essay, not the help desk: "How do I reset my password?" has an
    # answer in the help desk too, so it would not be unanswerable by construction.
    ("handbook_set.json", "handbook", "essay", False),
    # A team's working documents (meeting notes, changelogs, transcripts, FAQs,
    # READMEs, postmortems), written after the scope change (assistant/scope.py)
    # to check it on documents it was not designed on; asked of the encyclopedia
    # as cross-corpus negatives.
    ("workspace_set.json", "workspace", "workspace", None),
    ("workspace_set.json", "workspace", "encyclopedia", False),
]
INDEXES = ROOT / "build" / "calibration"  # one index per corpus, kept between runs (git-ignored)
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]  # candidate cut-offs, coarse on purpose: 113 training items


def youden(rows: list[dict], w, b) -> float:
    """The cut-off with the best refusal recall minus false-refusal rate, averaged over corpus families (the lower one on a tie).

    Averaged, not pooled: a threshold must mean the same on every corpus, so
    the family with the most questions does not get to choose it.
    """
    fams = families(rows)

    def j(t: float) -> float:
        figs = [gate_figures([r for r in rows if f in r["families"]], w, b, t) for f in fams]
        return float(np.mean([f["refusal_recall"] - f["false_refusal_rate"] for f in figs]))
    return max(THRESHOLDS, key=lambda t: (round(j(t), 3), -t))


def collect(runs: list[tuple]) -> list[dict]:
    rows = []
    embedder = None
    bots = {}
    for qfile, qfamily, corpus, answerable in runs:
        path = HERE / qfile
        if not path.exists() or not CORPORA[corpus].exists():
            print(f"skipped: {qfile} on {corpus} (not built)", file=sys.stderr)
            continue
        items = json.loads(path.read_text(encoding="utf-8"))["examples"]
        if corpus not in bots:
            bot = Assistant(Settings.load(corpus_dir=CORPORA[corpus], index_dir=INDEXES / corpus), embedder=embedder)
            embedder = bot.embedder
            bot.ingest()
            bots[corpus] = bot
        eng = bots[corpus].engine
        for it in items:
            ok = (not it["expect_refusal"]) if answerable is None else answerable
            if answerable is False and it["expect_refusal"]:
                continue  # a near-topic item asked elsewhere adds nothing
            q, _ = spelling.correct(it["query"], eng.retriever.bm25.idf_of)  # as the engine reads it
            qvec = embedder.get_query_embedding(q)
            passages = eng.retriever.retrieve(q, qvec=qvec)
            idf = eng.retriever.bm25.idf_of
            scored = support.score_spans(q, qvec, passages, embedder, idf)
            facts = it["key_facts"] if ok else []
            sents = [{"f": list(s.features), "y": int(bool(facts) and any(facts_found(s.span.text, facts)))}
                     for s in candidates(scored)]
            chosen = compose(q, scored, rank_part=part_ranker(passages, embedder, idf))
            first = bool(facts) and bool(chosen) and any(facts_found(chosen[0].span.text, facts))
            said = " ".join(c.span.text for c in chosen)
            all_facts = bool(facts) and all(facts_found(said, facts))
            rows.append({"id": it["id"], "question": q, "corpus": corpus, "families": sorted({qfamily, FAMILY[corpus]}),
                         "answerable": ok, "gate": list(gate.gate_features(q, passages, scored, idf)),
                         "hard": bool(gate.unit_missing(q, passages)),
                         "negative": None if ok else ("cross" if answerable is False else "near"),
                         "sentences": sents, "first_has_fact": first, "all_facts": all_facts, "n_sentences": len(chosen)})
    return rows


# The sign each gate weight may take: evidence (similarity, coverage, a typed
# answer, a gap above the background) may only raise the score; a wrong-typed
# lead or a missing name may only lower it.
GATE_SIGNS = np.array([1, 1, 1, 1, 1, -1, -1, 1, 1, 1, -1, 1, 1, -1], dtype=float)


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 3000, lr: float = 0.5,
             signs: np.ndarray | None = None, weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by gradient descent (no extra dependency).

    With ``signs``, each weight is held on its side of zero (projected
    gradient), so the fitted model stays monotone in its features.
    """
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) if weights is None else (p - y) * weights
        w -= lr * (x.T @ g / len(y) + l2 * w / len(y))
        b -= lr * g.mean()
        if signs is not None:
            w = np.where((w * signs < 0) | (signs == 0), 0.0, w)
    return w, b


def pairwise(rows: list[dict]) -> np.ndarray:
    """Ranking weights: logistic regression on (sentence with a key fact) - (sentence without), within each question.

    Every question weighs the same however many sentences it has, and every
    corpus family the same however many questions it has (pairs are
    subsampled to at most 200 per question, in a fixed order).
    """
    diffs, weights, fams = [], [], []
    for r in rows:
        if not r["answerable"]:
            continue
        pos = [s["f"] for s in r["sentences"] if s["y"]]
        neg = [s["f"] for s in r["sentences"] if not s["y"]]
        pairs = [(np.subtract(p, n)) for p in pos for n in neg][:200]
        if not pairs:
            continue
        diffs += pairs
        weights += [1.0 / len(pairs)] * len(pairs)
        fams += ["+".join(r["families"])] * len(pairs)
    per_family = {f: sum(w for w, g in zip(weights, fams) if g == f) for f in set(fams)}
    w = np.array([w / per_family[g] for w, g in zip(weights, fams)] * 2)
    x = np.array(diffs + [-d for d in diffs])
    y = np.array([1.0] * len(diffs) + [0.0] * len(diffs))
    w, _ = logistic(x, y, l2=1.0, steps=4000, lr=1.0, weights=w * len(w) / w.sum())
    return w


def gate_prob(f, w, b) -> float:
    return float(1 / (1 + np.exp(-(np.dot(w, f) + b))))


def gate_figures(rows: list[dict], w, b, thr: float) -> dict:
    ans = [r for r in rows if r["answerable"]]
    neg = [r for r in rows if not r["answerable"]]
    refused_ans = sum(r.get("hard", False) or gate_prob(r["gate"], w, b) < thr for r in ans)
    refused_neg = sum(r.get("hard", False) or gate_prob(r["gate"], w, b) < thr for r in neg)
    refused = refused_ans + refused_neg
    out = {"answerable": len(ans), "unanswerable": len(neg),
           "false_refusal_rate": round(refused_ans / max(1, len(ans)), 3),
           "refusal_recall": round(refused_neg / max(1, len(neg)), 3),
           "refusal_precision": round(refused_neg / refused, 3) if refused else None}
    for kind in ("near", "cross"):
        some = [r for r in neg if r.get("negative") == kind]
        if some:
            out[f"{kind}_recall"] = round(sum(r.get("hard", False) or gate_prob(r["gate"], w, b) < thr for r in some) / len(some), 3)
    return out


def top1(rows: list[dict], w) -> float:
    """Share of answerable questions whose top-ranked sentence holds a key fact."""
    hits = []
    for r in rows:
        if r["answerable"] and any(s["y"] for s in r["sentences"]):
            best = max(r["sentences"], key=lambda s: float(np.dot(w, s["f"])))
            hits.append(best["y"])
    return round(float(np.mean(hits)), 3) if hits else 0.0


def fit(train: list[dict]) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Ranker weights, gate weights and bias, and the refusal cut-off, from ``train`` alone."""
    rw = pairwise(train)
    gx = np.array([r["gate"] for r in train])
    gy = np.array([r["answerable"] for r in train], dtype=float)
    gw, gb = logistic(gx, gy, l2=0.5, steps=20000, lr=1.0, signs=GATE_SIGNS, weights=family_weights(train))
    return rw, gw, gb, youden(train, gw, gb)


def family_weights(rows: list[dict]) -> np.ndarray:
    """Sample weights giving every corpus family the same total weight (mean weight 1)."""
    keys = ["+".join(r["families"]) for r in rows]
    counts = {k: keys.count(k) for k in set(keys)}
    w = np.array([1.0 / counts[k] for k in keys])
    return w * len(w) / w.sum()


def families(rows: list[dict]) -> list[str]:
    return sorted({f for r in rows for f in r["families"]})


def held_out(rows: list[dict]) -> dict:
    """Leave one corpus family out: fit on the others, report on it (its own questions and negatives).

    Each fold also scores every candidate cut-off on its held-out family
    (``j_by_threshold``: refusal recall minus false-refusal rate), which
    :func:`cross_validated_threshold` averages.
    """
    out = {}
    for fam in families(rows):
        train = [r for r in rows if fam not in r["families"]]
        test = [r for r in rows if fam in r["families"]]
        rw, gw, gb, thr = fit(train)
        js = {}
        for t in THRESHOLDS:
            g = gate_figures(test, gw, gb, t)
            js[t] = round(g["refusal_recall"] - g["false_refusal_rate"], 3)
        out[fam] = {"gate": gate_figures(test, gw, gb, thr), "threshold": round(thr, 3), "top1_has_fact": top1(test, rw),
                    "j_by_threshold": js}
    return out


def cross_validated_threshold(folds: dict) -> float:
    """The cut-off whose held-out recall minus false refusals, averaged over the folds, is best (the lower one on a tie).

    Each fold's figure comes from weights fitted without that family, so the
    choice rests on corpora the weights never saw. (Until 2026-11-28 the rule
    was the median of the folds' own cut-offs, each chosen on the training
    families; with the answer-type fixes of that day it gave 0.4, where the
    held-out mean was 0.791 against 0.822 at 0.3.)
    """
    mean = {t: float(np.mean([f["j_by_threshold"][t] for f in folds.values()])) for t in THRESHOLDS}
    return max(THRESHOLDS, key=lambda t: (round(mean[t], 3), -t))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-fit", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="read features.jsonl instead of re-running the assistant")
    args = ap.parse_args()
    data, unseen_data = HERE / "features.jsonl", HERE / "unseen_features.jsonl"
    if args.reuse:
        rows = [json.loads(line) for line in data.read_text().splitlines()]
        unseen = [json.loads(line) for line in unseen_data.read_text().splitlines()]
    else:
        rows, unseen = collect(RUNS), collect(UNSEEN_RUNS)
        data.write_text("".join(json.dumps(r) + "\n" for r in rows))
        unseen_data.write_text("".join(json.dumps(r) + "\n" for r in unseen))
    if args.no_fit:
        rw = np.array(support.RANK_WEIGHTS)
        gw, gb = np.array(gate.GATE_WEIGHTS), gate.GATE_BIAS
        thr = Settings().refusal_threshold
    else:
        rw, gw, gb, _ = fit(rows)
    folds = held_out(rows)
    if not args.no_fit:
        thr = cross_validated_threshold(folds)
    out = {
        "weights": "shipped: assistant/support.py, gate.py and settings.py (--no-fit)" if args.no_fit else "fitted by this run",
        "rank_features": list(support.FEATURES), "rank_weights": [round(float(v), 3) for v in rw],
        "gate_features": list(gate.GATE_FEATURES), "gate_weights": [round(float(v), 3) for v in gw],
        "gate_bias": round(float(gb), 3), "refusal_threshold": round(thr, 3),
        "all": {"gate": gate_figures(rows, gw, gb, thr), "top1_has_fact": top1(rows, rw)},
        "by_family": {fam: {"gate": gate_figures([r for r in rows if fam in r["families"]], gw, gb, thr),
                            "top1_has_fact": top1([r for r in rows if fam in r["families"]], rw)} for fam in families(rows)},
        "held_out_family": folds,
        "unseen_family": {fam: {"gate": gate_figures([r for r in unseen if fam in r["families"]], gw, gb, thr),
                                "top1_has_fact": top1([r for r in unseen if fam in r["families"]], rw)}
                          for fam in families(unseen)},
        "first_sentence_has_fact": round(float(np.mean([r["first_has_fact"] for r in rows if r["answerable"]])), 3),
        "answer_has_all_facts": round(float(np.mean([r["all_facts"] for r in rows if r["answerable"]])), 3),
        "sentences_per_answer": round(float(np.mean([r["n_sentences"] for r in rows if r["answerable"]])), 2),
    }
    (HERE / "weights.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
