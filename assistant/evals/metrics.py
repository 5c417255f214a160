"""Deterministic metrics: score one answer against one gold item, then aggregate.

Everything here is a pure function of plain data, so the unit tests can feed
hand-made cases. A metric that does not apply to an item is ``None`` and is
left out of that metric's mean (for example retrieval hit on an item whose
correct outcome is a refusal).
"""
from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from .dataset import EvalItem


@dataclass
class Cited:
    """One citation of an answer, reduced to what the metrics need."""

    source: str
    quote: str = ""
    passage: str = ""  # text of the retrieved passage the citation points into, if known
    locator: dict = field(default_factory=dict)  # page, slide, sheet and row, section (assistant/locators.py)
    label: str = ""  # the locator in words, for reports


@dataclass
class Outcome:
    """What a system (ours or the baseline) produced for one item."""

    text: str
    refused: bool = False
    citations: list[Cited] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)  # source of each retrieved passage, best first
    latency: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    standalone: str = ""  # the question after rewriting with the history, when known
    error: str = ""


# -- text matching ----------------------------------------------------------------
_MARKER = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_THOUSANDS = re.compile(r"(?<=\d)[,](?=\d{3}(?!\d))")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def fact_text(text: str) -> str:
    """Normalise for key-fact matching: case, quotes, whitespace, ``[n]`` markers, thousands separators."""
    t = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    t = _MARKER.sub("", t).lower()
    t = _THOUSANDS.sub("", t)
    return " ".join(t.split())


def facts_found(text: str, key_facts: list[list[str]]) -> list[bool]:
    """For each fact, whether any of its variants occurs in ``text``."""
    t = fact_text(text)
    return [any(fact_text(v) in t for v in variants if v.strip()) for variants in key_facts]


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    t = _MARKER.sub("", text or "").lower()
    t = "".join(ch for ch in t if ch not in _PUNCT)
    t = re.sub(r"\b(a|an|the)\b", " ", t)
    return " ".join(t.split())


_PUNCT = set(string.punctuation) | {"\u2018", "\u2019", "\u201c", "\u201d", "\u2013", "\u2014"}


def exact_match(prediction: str, reference: str) -> bool:
    return squad_normalize(prediction) == squad_normalize(reference)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1 between a prediction and one reference."""
    p, r = squad_normalize(prediction).split(), squad_normalize(reference).split()
    if not p or not r:
        return float(p == r)
    common = Counter(p) & Counter(r)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(r)
    return 2 * precision * recall / (precision + recall)


def contains_answer(prediction: str, reference: str) -> bool:
    """Whether the normalised reference occurs, as whole words, in the normalised prediction."""
    r = squad_normalize(reference)
    return bool(r) and f" {r} " in f" {squad_normalize(prediction)} "


def same_file(source: str, gold: str) -> bool:
    """File-level match; gold lists may give bare file names for nested corpus paths."""
    return source == gold or source.rsplit("/", 1)[-1] == gold.rsplit("/", 1)[-1]


def _is_gold(source: str, gold: Iterable[str]) -> bool:
    return any(same_file(source, g) for g in gold)


def file_ranking(retrieved: list[str]) -> list[str]:
    """Retrieved passage sources collapsed to distinct files, in first-seen order."""
    return list(dict.fromkeys(retrieved))


# -- one item -------------------------------------------------------------------
def score_item(item: EvalItem, out: Outcome, k: int) -> dict:
    """All per-item metrics (``None`` where not applicable) plus ``missing``: why it failed."""
    s: dict = {"refused": out.refused, "expect_refusal": item.expect_refusal, "error": bool(out.error)}
    missing: list[str] = []
    if out.error:
        missing.append(f"error: {out.error}")
    gold = item.gold_sources
    answerable = item.answerable
    cited_files = file_ranking([c.source for c in out.citations])

    # Retrieval: file-level rank of the first gold file among the retrieved passages.
    s["hit_at_1"] = s["hit_at_k"] = s["rr"] = None
    if answerable and gold:
        files = file_ranking(out.retrieved[:k])
        rank = next((i for i, f in enumerate(files, start=1) if _is_gold(f, gold)), None)
        s["hit_at_1"], s["hit_at_k"] = rank == 1, rank is not None
        s["rr"] = 1.0 / rank if rank else 0.0
        if rank is None:
            missing.append(f"retrieval: no gold file ({', '.join(gold)}) in the top {k}")

    # Citations. Precision is over what was said, recall over what should have been.
    s["citation_precision"] = s["citation_recall"] = None
    if answerable and gold:
        good = [f for f in cited_files if _is_gold(f, gold)]
        covered = [g for g in gold if any(same_file(f, g) for f in cited_files)]
        s["citation_recall"] = len(covered) / len(gold)
        if not out.refused:
            s["citation_precision"] = len(good) / len(cited_files) if cited_files else 0.0
            wrong = [f for f in cited_files if f not in good]
            if not cited_files:
                missing.append("citations: none")
            elif wrong:
                missing.append(f"citations: non-gold {', '.join(wrong)}")
        # Recall below 1 alone is no failure: a fact stated in several files needs only one.
        if cited_files and not covered and not out.refused:
            missing.append(f"citations: no gold file cited ({', '.join(gold)})")

    # Locators: when the answer cites the right file, does it name the right page, slide, row or
    # section? Whether it cites the right file at all is citation precision and recall's job.
    s["locator"] = None
    in_gold = [c for c in out.citations if any(same_file(c.source, str(g.get("source", ""))) for g in item.gold_locators)]
    if answerable and in_gold and not out.refused:
        s["locator"] = any(locator_matches(c, item.gold_locators) for c in in_gold)
        if not s["locator"]:
            cited = ", ".join(f"{c.source} {c.label or c.locator}" for c in out.citations) or "nothing"
            missing.append(f"locator: cited {cited}, not {_gold_places(item.gold_locators)}")

    # Answer content.
    s["key_facts"] = s["fact_recall"] = s["citation_support"] = None
    if answerable and item.key_facts:
        found = facts_found("" if out.refused else out.text, item.key_facts)
        s["key_facts"] = all(found)
        s["fact_recall"] = sum(found) / len(found)
        absent = [v[0] for v, ok in zip(item.key_facts, found) if not ok]
        if absent and not out.refused:
            missing.append(f"facts: missing {' | '.join(absent)}")
        stated = [v for v, ok in zip(item.key_facts, found) if ok]
        if stated and not out.refused:
            s["citation_support"] = bool(out.citations) and all(_supports(c, stated) for c in out.citations)
            if not s["citation_support"]:
                missing.append("citation support: a citation's quote/passage lacks every stated fact")

    s["exact_match"] = s["token_f1"] = s["containment"] = None
    if answerable and item.reference_answer.strip():
        s["exact_match"] = exact_match(out.text, item.reference_answer)
        s["token_f1"] = token_f1(out.text, item.reference_answer)
        s["containment"] = contains_answer(out.text, item.reference_answer)

    # Honesty.
    if item.expect_refusal and not out.refused:
        missing.append("refusal: answered a question the documents cannot answer")
    if item.expect_refusal and out.refused and out.citations:
        missing.append("refusal: refused but still cited sources")
    if answerable and out.refused:
        missing.append("refusal: refused an answerable question")
    s["missing"] = missing
    s["ok"] = not missing
    return s


def locator_matches(c: Cited, gold: list[dict]) -> bool:
    """Whether citation ``c`` names one of the ``gold`` places: same file, and every gold key
    (page, slide, sheet, row, section, paragraph) equal to, or inside the range of, the citation's."""
    for g in gold:
        if not same_file(c.source, str(g.get("source", ""))):
            continue
        keys = [k for k in g if k != "source"]
        if keys and all(_covers(c.locator, k, g[k]) for k in keys):
            return True
    return False


def _covers(loc: dict, key: str, want) -> bool:
    if key not in loc:
        return False
    have, end = loc[key], loc.get(f"end_{key}", loc[key])
    if isinstance(want, (int, float)) and isinstance(have, (int, float)) and isinstance(end, (int, float)):
        return have <= want <= end
    return have == want


def _gold_places(gold: list[dict]) -> str:
    return "; ".join(" ".join(f"{k} {v}" for k, v in g.items()) for g in gold)


def _supports(c: Cited, stated: list[list[str]]) -> bool:
    where = fact_text(c.quote) + " \n " + fact_text(c.passage)
    return any(fact_text(v) in where for variants in stated for v in variants if v.strip())


# -- aggregates -----------------------------------------------------------------
MEAN_METRICS = {
    "hit_at_1": "hit_at_1",
    "hit_at_k": "hit_at_k",
    "mrr": "rr",
    "citation_precision": "citation_precision",
    "citation_recall": "citation_recall",
    "citation_support": "citation_support",
    "locator_accuracy": "locator",
    "key_fact_accuracy": "key_facts",
    "key_fact_recall": "fact_recall",
    "exact_match": "exact_match",
    "token_f1": "token_f1",
    "answer_containment": "containment",
}


def mean(values: Iterable) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile, ``q`` in 0..100 (numpy's default method)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def aggregate(scores: list[dict], outcomes: list[Outcome], items: list[EvalItem]) -> dict:
    """Dataset-level metrics from per-item scores; ``None`` when a metric has no items."""
    m: dict = {"n_items": len(items), "n_answerable": sum(i.answerable for i in items)}
    for name, key in MEAN_METRICS.items():
        m[name] = mean(s[key] for s in scores)
    m.update(honesty(items, outcomes))
    lat = [o.latency for o in outcomes]
    m["latency_p50"], m["latency_p95"] = percentile(lat, 50), percentile(lat, 95)
    m["tokens_in_mean"] = mean(o.tokens_in for o in outcomes)
    m["tokens_out_mean"] = mean(o.tokens_out for o in outcomes)
    m["tokens_in_total"] = sum(o.tokens_in for o in outcomes)
    m["tokens_out_total"] = sum(o.tokens_out for o in outcomes)
    m["errors"] = sum(bool(o.error) for o in outcomes)
    m["items_ok"] = mean(s["ok"] for s in scores)
    return m


def honesty(items: list[EvalItem], outcomes: list[Outcome]) -> dict:
    """Refusal precision/recall on expected refusals, refusal accuracy, false-refusal rate."""
    pairs = [(bool(i.expect_refusal), o.refused) for i, o in zip(items, outcomes)]
    labelled = [p for i, p in zip(items, pairs) if i.expect_refusal is not None]
    tp = sum(e and r for e, r in labelled)
    refused = sum(r for _, r in labelled)
    expected = sum(e for e, _ in labelled)
    answerable = [r for e, r in pairs if not e]
    return {
        "n_expect_refusal": expected,
        "refusal_precision": tp / refused if refused else None,
        "refusal_recall": tp / expected if expected else None,
        "refusal_accuracy": mean(e == r for e, r in pairs),
        "false_refusal_rate": mean(answerable),
    }


def by_category(items: list[EvalItem], scores: list[dict], outcomes: list[Outcome]) -> dict[str, dict]:
    """The aggregate metrics per item category, in first-seen category order."""
    out: dict[str, dict] = {}
    for cat in dict.fromkeys(i.category for i in items):
        idx = [n for n, i in enumerate(items) if i.category == cat]
        out[cat] = aggregate([scores[n] for n in idx], [outcomes[n] for n in idx], [items[n] for n in idx])
    return out


# Metrics where a smaller value is better; the gate and the ratio column need to know.
LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50", "latency_p95", "tokens_in_mean", "tokens_out_mean",
                   "tokens_in_total", "tokens_out_total", "errors"}


def ratio(ours: float | None, base: float | None) -> float | None:
    """ours / baseline, or None when undefined."""
    if ours is None or base is None or base == 0:
        return None
    return ours / base
