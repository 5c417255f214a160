"""Load a LlamaIndex ``LabelledRagDataset`` JSON file, with our optional extensions.

Our gold set adds per example: ``id``, ``category``, ``gold_sources`` (file
names), ``key_facts`` (one list of accepted variants per fact),
``expect_refusal`` and ``history`` (chat turns before the question). Foreign
datasets have none of these: file-level gold can come from a
``gold_sources.jsonl`` beside the dataset (one ``{"index", "source"}`` line per
example), and every item counts as answerable.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AssistantError

GOLD_SOURCES_NAME = "gold_sources.jsonl"
# Reference answers this short are spans (SQuAD-like): they double as the key fact.
_SHORT_ANSWER_WORDS = 8


class DatasetError(AssistantError):
    code = "bad_dataset"
    fix = "pass --dataset PATH to a LlamaIndex LabelledRagDataset JSON file ({\"examples\": [...]})."


@dataclass
class EvalItem:
    """One question to ask, with everything needed to score the answer."""

    id: str
    query: str
    category: str = "uncategorised"
    reference_answer: str = ""
    reference_contexts: list[str] = field(default_factory=list)
    gold_sources: list[str] = field(default_factory=list)
    key_facts: list[list[str]] = field(default_factory=list)
    facts_from_reference: bool = False  # key_facts were derived from a short reference answer
    expect_refusal: bool | None = None  # None: the dataset does not say (treated as answerable)
    history: list[dict] = field(default_factory=list)
    # Where the answer is: {"source": file, "page": 7} (or slide, sheet and row, section and paragraph).
    gold_locators: list[dict] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return not self.expect_refusal


@dataclass
class Dataset:
    name: str
    path: Path
    items: list[EvalItem]
    gold_sources_path: Path | None = None
    has_refusal_labels: bool = False


def dataset_name(path: Path) -> str:
    """A short name for result files: the file stem, or the folder for a generic stem."""
    stem = path.stem
    return path.parent.name if stem in ("rag_dataset", "dataset", "data") and path.parent.name else stem


def load_dataset(path: str | Path, gold_sources: str | Path | None = None, limit: int | None = None,
                 sample: int | None = None) -> Dataset:
    """Read a dataset file; ``gold_sources`` defaults to ``gold_sources.jsonl`` beside it, if present.

    ``limit`` keeps the first N items; ``sample`` keeps N items spread evenly
    over the file (deterministic), which covers every category of a file
    sorted by category.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"Dataset {path} does not exist.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DatasetError(f"Dataset {path} is not valid JSON ({e}).") from None
    examples = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, list) or not examples:
        raise DatasetError(f"Dataset {path} has no \"examples\" list.")
    gs_path = Path(gold_sources) if gold_sources else path.parent / GOLD_SOURCES_NAME
    if gold_sources and not gs_path.is_file():
        raise DatasetError(f"Gold sources file {gs_path} does not exist.", fix="pass --gold-sources PATH to a JSONL file, or leave it out.")
    extra = _read_gold_sources(gs_path) if gs_path.is_file() else {}
    items = [_item(i, ex, extra.get(i)) for i, ex in enumerate(examples)]
    if limit:
        items = items[:limit]
    if sample and sample < len(items):
        items = [items[i * len(items) // sample] for i in range(sample)]
    return Dataset(
        name=dataset_name(path),
        path=path,
        items=items,
        gold_sources_path=gs_path if extra else None,
        has_refusal_labels=any("expect_refusal" in ex for ex in examples),
    )


def _read_gold_sources(path: Path) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise DatasetError(f"{path} line {n + 1} is not JSON.") from None
        src = row.get("sources", row.get("source"))
        out[int(row.get("index", n))] = [src] if isinstance(src, str) else list(src or [])
    return out


def _item(i: int, ex: dict, extra_sources: list[str] | None) -> EvalItem:
    if not isinstance(ex, dict) or not str(ex.get("query", "")).strip():
        raise DatasetError(f"Example {i} has no query.")
    ref = str(ex.get("reference_answer") or "")
    facts = [list(map(str, f)) for f in ex.get("key_facts", []) if f]
    derived = False
    if "key_facts" not in ex and ref and len(ref.split()) <= _SHORT_ANSWER_WORDS:
        facts, derived = [[ref]], True
    expect = ex.get("expect_refusal")
    return EvalItem(
        id=str(ex.get("id") or f"q{i:03d}"),
        query=str(ex["query"]),
        category=str(ex.get("category") or "uncategorised"),
        reference_answer=ref,
        reference_contexts=list(ex.get("reference_contexts") or []),
        gold_sources=list(ex.get("gold_sources") or extra_sources or []),
        key_facts=facts,
        facts_from_reference=derived,
        expect_refusal=None if expect is None else bool(expect),
        history=[{"role": str(h.get("role", "user")), "content": str(h.get("content", ""))} for h in ex.get("history") or []],
        gold_locators=[dict(g) for g in ex.get("gold_locators") or [] if isinstance(g, dict)],
    )
