"""Write eval results: one JSON file with everything, one Markdown file for people."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .dataset import Dataset, EvalItem
from .metrics import LOWER_IS_BETTER, Outcome, ratio
from .refeval import ReferenceRun
from .refreport import reference_json, reference_markdown

# Row order of the summary table; other keys still go to the JSON.
TABLE = [
    ("hit_at_1", "retrieval hit@1"), ("hit_at_k", "retrieval hit@k"), ("mrr", "retrieval MRR"),
    ("citation_precision", "citation precision"), ("citation_recall", "citation recall"),
    ("citation_support", "citations holding the stated fact"),
    ("locator_accuracy", "citation points at the right page/slide/row"),
    ("key_fact_accuracy", "key-fact accuracy (all facts)"), ("key_fact_recall", "key-fact recall"),
    ("exact_match", "exact match (SQuAD)"), ("token_f1", "token F1 (SQuAD)"), ("answer_containment", "answer containment"),
    ("refusal_precision", "refusal precision"), ("refusal_recall", "refusal recall"),
    ("refusal_accuracy", "refusal accuracy"), ("false_refusal_rate", "false-refusal rate"),
    ("items_ok", "items with no failure"),
    ("latency_p50", "latency p50 (s)"), ("latency_p95", "latency p95 (s)"),
    ("tokens_in_mean", "tokens in / question"), ("tokens_out_mean", "tokens out / question"), ("errors", "errors"),
]
CATEGORY_COLS = [("hit_at_k", "hit@k"), ("citation_precision", "cite P"), ("key_fact_accuracy", "facts"),
                 ("answer_containment", "contains"), ("refusal_accuracy", "refusal acc"), ("items_ok", "ok")]


@dataclass
class SystemRun:
    """One system's results on a dataset."""

    name: str
    outcomes: list[Outcome]
    scores: list[dict]
    metrics: dict
    categories: dict[str, dict]
    note: str = ""
    seconds: float = 0.0


@dataclass
class EvalRun:
    dataset: Dataset
    items: list[EvalItem]
    backend: str
    k: int
    corpus: str
    ours: SystemRun
    baseline: SystemRun | None = None
    meta: dict = field(default_factory=dict)
    reference: "ReferenceRun | None" = None  # the reference-model passes (refeval.py), when run

    def ratios(self) -> dict[str, float | None]:
        """ours / baseline for every metric both have."""
        if not self.baseline:
            return {}
        b = self.baseline.metrics
        return {k: ratio(v, b.get(k)) for k, v in self.ours.metrics.items() if isinstance(v, (int, float))}


def write(run: EvalRun, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``<dataset>-<backend>[-baseline].json`` and ``.md`` into ``out_dir``; return both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A run with the baseline gets its own name, so a later gate run does not overwrite the comparison.
    stem = out / f"{run.dataset.name}-{run.backend}{'-baseline' if run.baseline else ''}"
    jpath, mpath = stem.with_suffix(".json"), stem.with_suffix(".md")
    jpath.write_text(json.dumps(to_json(run), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    mpath.write_text(markdown(run), encoding="utf-8")
    return jpath, mpath


def to_json(run: EvalRun) -> dict:
    systems = {"ours": _system_json(run.ours)}
    if run.baseline:
        systems["baseline"] = _system_json(run.baseline)
    items = []
    for n, item in enumerate(run.items):
        row = {
            "id": item.id, "category": item.category, "query": item.query, "history": item.history,
            "expect_refusal": item.expect_refusal, "reference_answer": item.reference_answer,
            "gold_sources": item.gold_sources, "key_facts": item.key_facts,
            "ours": _item_json(run.ours, n),
        }
        if run.baseline:
            row["baseline"] = _item_json(run.baseline, n)
        items.append(row)
    return {
        "dataset": run.dataset.name, "dataset_path": str(run.dataset.path),
        "gold_sources_path": str(run.dataset.gold_sources_path or ""), "corpus": run.corpus,
        "backend": run.backend, "k": run.k, **run.meta,
        "systems": systems, "ratio_ours_over_baseline": run.ratios(), "items": items,
        **({"reference": reference_json(run.reference)} if run.reference else {}),
    }


def _system_json(s: SystemRun) -> dict:
    return {"name": s.name, "note": s.note, "seconds": round(s.seconds, 1), "metrics": s.metrics, "by_category": s.categories}


def _item_json(s: SystemRun, n: int) -> dict:
    o, sc = s.outcomes[n], s.scores[n]
    return {
        "answer": o.text, "refused": o.refused, "standalone_question": o.standalone, "error": o.error,
        "citations": [{"source": c.source, "label": c.label, "locator": c.locator, "quote": c.quote[:300]} for c in o.citations],
        "retrieved": o.retrieved, "latency": round(o.latency, 3), "tokens_in": o.tokens_in, "tokens_out": o.tokens_out,
        "scores": {k: v for k, v in sc.items() if k != "missing"}, "missing": sc["missing"],
    }


# -- Markdown ---------------------------------------------------------------------
def fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    return f"{v:.3f}" if abs(v) < 100 else f"{v:.0f}"


def summary_table(run: EvalRun) -> str:
    """The metrics table: ours, and the baseline with the ratio when it ran."""
    b = run.baseline
    head = "| metric | ours | baseline | ours / baseline |\n|---|---:|---:|---:|" if b else "| metric | ours |\n|---|---:|"
    rows = [head]
    ratios = run.ratios()
    for key, label in TABLE:
        if key not in run.ours.metrics:
            continue
        mark = " (lower is better)" if key in LOWER_IS_BETTER and key.startswith(("false", "latency")) else ""
        row = f"| {label}{mark} | {fmt(run.ours.metrics.get(key))} |"
        if b:
            row += f" {fmt(b.metrics.get(key))} | {fmt(ratios.get(key))} |"
        rows.append(row)
    return "\n".join(rows)


def category_table(s: SystemRun) -> str:
    rows = ["| category | n | " + " | ".join(h for _, h in CATEGORY_COLS) + " |",
            "|---|---:|" + "---:|" * len(CATEGORY_COLS)]
    for cat, m in s.categories.items():
        rows.append(f"| {cat} | {m['n_items']} | " + " | ".join(fmt(m.get(k)) for k, _ in CATEGORY_COLS) + " |")
    return "\n".join(rows)


def markdown(run: EvalRun) -> str:
    m = run.meta
    lines = [
        f"# Eval: {run.dataset.name}, backend {run.backend}",
        "",
        f"{len(run.items)} items from `{run.dataset.path}`, corpus `{run.corpus}`, k={run.k}"
        + (f", first {m['limit']} items only" if m.get("limit") else "")
        + (f", an even sample of {m['sample']} items" if m.get("sample") else "") + f". Run {m.get('created', '')}, "
        f"ours {run.ours.seconds:.0f}s" + (f", baseline {run.baseline.seconds:.0f}s" if run.baseline else "") + ".",
    ]
    if run.baseline and run.baseline.note:
        lines += ["", f"Baseline: textbook llama-index (SentenceSplitter defaults, VectorStoreIndex on Chroma, "
                      f"top-{run.k}, default synthesizer); {run.baseline.note}. Its citations are its retrieved files."]
    lines += ["", summary_table(run), "", "## By category (ours)", "", category_table(run.ours)]
    if run.baseline:
        lines += ["", "## By category (baseline)", "", category_table(run.baseline)]
    lines += ["", "## Failing items (ours)", ""]
    lines += _failures(run.items, run.ours) or ["None."]
    if run.baseline:
        lines += ["", "## Failing items (baseline, short)", ""]
        lines += [f"- `{run.items[n].id}`: {'; '.join(s['missing'])}" for n, s in enumerate(run.baseline.scores) if s["missing"]] or ["None."]
    if run.reference:
        lines += ["", *reference_markdown(run.reference, run.items)]
    return "\n".join(lines) + "\n"


def _failures(items: list[EvalItem], s: SystemRun) -> list[str]:
    out = []
    for n, sc in enumerate(s.scores):
        if not sc["missing"]:
            continue
        item, o = items[n], s.outcomes[n]
        out.append(f"### `{item.id}` ({item.category})")
        for h in item.history:
            out.append(f"- history {h['role']}: {_one_line(h['content'], 160)}")
        out.append(f"- question: {_one_line(item.query, 300)}")
        if o.standalone and o.standalone != item.query:
            out.append(f"- rewritten: {_one_line(o.standalone, 300)}")
        out.append(f"- expected: {'refusal' if item.expect_refusal else _one_line(item.reference_answer, 200)}"
                   + (f" (gold: {', '.join(item.gold_sources)})" if item.gold_sources else ""))
        out.append(f"- answer{' (refused)' if o.refused else ''}: {_one_line(o.text, 400)}")
        if o.citations:
            out.append("- citations: " + "; ".join(f"{c.source}{f' ({c.label})' if c.label else ''} \"{_one_line(c.quote, 80)}\"" for c in o.citations))
        out += [f"- **{why}**" for why in sc["missing"]]
        out.append("")
    return out


def _one_line(text: str, n: int) -> str:
    t = " ".join((text or "").split()).replace("|", "/")
    return t if len(t) <= n else t[: n - 1] + "…"
