"""Share of answerable items whose answer's first sentence holds a key fact, from an eval results JSON.

    python evals/calibration/first_sentence.py evals/results/xiaomi-extractive.json [more.json ...]

The first sentence is the first citation's quote (extractive answers quote
whole sentences); a refused or uncited answerable item counts as a miss.
Reported, never tuned on: the issue's measure of sentence choice.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from assistant.evals.metrics import facts_found  # noqa: E402


def first_sentence_rate(path: str) -> tuple[float, int]:
    items = [i for i in json.loads(Path(path).read_text())["items"] if not i.get("expect_refusal") and i.get("key_facts")]
    hits = 0
    for it in items:
        ours = it["ours"]
        cites = ours.get("citations") or []
        if not ours.get("refused") and cites:
            hits += any(facts_found(cites[0].get("quote", ""), it["key_facts"]))
    return hits / len(items), len(items)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        rate, n = first_sentence_rate(p)
        print(f"{p}: first sentence holds a key fact in {rate:.3f} of {n} answerable items")
