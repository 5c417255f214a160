"""The reference-model rows of an eval report (JSON and Markdown)."""
from __future__ import annotations

from dataclasses import asdict

from .corrupt import KINDS
from .dataset import EvalItem
from .refeval import ReferenceRun

DEFINITIONS = (
    "The reference model (`assistant/evals/refserver.py`) is an OpenAI-compatible server on loopback that answers "
    "with the dataset's reference answer, each sentence cited `[n]` to the passage that best supports it, and refuses "
    "where the passages lack the answer; the engine runs with `backend=openai` against it. "
    "**Held** items are the answerable ones whose retrieved passages hold the answer (every key fact, or the reference "
    "span for short-answer datasets, or 60% of the reference answer's content terms where there are no key facts). "
    "**Model answers passed**: of the held items, the share whose faithful answer reached the user as the model's "
    "answer (backend `openai`, not refused) with all its key facts. **Errors caught**: one error planted per answer; "
    "caught when the planted number, date, name, invented sentence or obeyed instruction is not in the final text, or "
    "the mis-cited sentence is removed or its final citation points at a passage that supports it, or the answer fell "
    "back or was refused. Items where a kind does not apply are left out of its share."
)
_LOST = [("reference_gate", "refused by the gate before the model"), ("reference_fallback", "replaced by the extractive fallback"),
         ("reference_model_refused", "turned into a refusal after the model answered"),
         ("reference_facts_lost", "reached the user without all its key facts"), ("reference_error", "engine errors")]


def reference_json(ref: ReferenceRun) -> dict:
    return {"modes": list(ref.modes), "definitions": DEFINITIONS, "metrics": ref.metrics, "items": [asdict(r) for r in ref.rows]}


def _pct(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def reference_table(ref: ReferenceRun) -> str:
    """The rows: model answers passed (with where answers were lost) and errors caught per kind."""
    m = ref.metrics
    rows = ["| reference model | value | counted |", "|---|---:|---|"]
    if "model_answers_passed" in m:
        rows.append(f"| model answers passed | {_pct(m['model_answers_passed'])} | {m['reference_passed']} of "
                    f"{m['reference_items_held']} held answerable items |")
        rows += [f"| … {label} | {m[key]} | of {m['reference_items_held']} |" for key, label in _LOST]
        rows.append(f"| answerable items whose passages lack the answer (not counted) | {m['reference_not_held']} | |")
        rows.append(f"| unanswerable items refused | {_pct(m['reference_unanswerable_refused'])} | |")
    for kind in KINDS:
        if f"errors_caught_{kind}" in m:
            rows.append(f"| errors caught: {kind} | {_pct(m[f'errors_caught_{kind}'])} | applied to "
                        f"{m[f'errors_applied_{kind}']} items, not applicable to {m[f'errors_not_applicable_{kind}']} |")
    return "\n".join(rows)


def reference_markdown(ref: ReferenceRun, items: list[EvalItem]) -> list[str]:
    queries = {i.id: i for i in items}
    lines = ["## Reference model: the answer check measured", "", DEFINITIONS, "", reference_table(ref), "",
             "### Failing items (reference model)", ""]
    bad = [r for r in ref.rows if r.status in ("gate", "fallback", "model-refused", "facts-lost", "error", "missed")]
    for r in bad:
        item = queries.get(r.id)
        lines.append(f"- `{r.id}` ({r.kind}): **{r.status}**" + (f"; planted {r.planted}" if r.planted else ""))
        if item:
            lines.append(f"  - question: {_one_line(item.query, 200)}")
            if r.kind == "faithful":
                lines.append(f"  - reference: {_one_line(item.reference_answer, 200)}")
        lines.append(f"  - shown ({r.backend or 'no answer'}): {_one_line(r.text, 300)}")
        lines += [f"  - note: {_one_line(n, 300)}" for n in r.notes]
    return lines + (["None."] if not bad else [])


def _one_line(text: str, n: int) -> str:
    t = " ".join((text or "").split()).replace("|", "/")
    return t if len(t) <= n else t[: n - 1] + "…"
