"""The CI gate: compare metrics with the thresholds in ``evals/thresholds.json``.

File shape: ``{dataset: {backend: {"min": {metric: value}, "max": {metric: value}}}}``.
``min`` holds metrics where higher is better, ``max`` the few where lower is
better (false-refusal rate). Keys starting with ``_`` are comments. Thresholds
only ever tighten: raise a ``min`` or lower a ``max`` when the code improves.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError


class ThresholdsError(AssistantError):
    code = "bad_thresholds"
    fix = "fix evals/thresholds.json: {dataset: {backend: {\"min\": {metric: number}, \"max\": {...}}}}."


@dataclass(frozen=True)
class Breach:
    metric: str
    value: float | None
    bound: float
    kind: str  # "min" or "max"

    def __str__(self) -> str:
        got = "not measured" if self.value is None else f"{self.value:.3f}"
        rel = "below the minimum" if self.kind == "min" else "above the maximum"
        return f"{self.metric} = {got}, {rel} {self.bound:.3f}"


def load_thresholds(path: str | Path, dataset: str, backend: str) -> dict[str, dict[str, float]]:
    """The ``{"min": ..., "max": ...}`` block for one dataset and backend."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdsError(f"Thresholds file {path} does not exist.") from None
    except json.JSONDecodeError as e:
        raise ThresholdsError(f"Thresholds file {path} is not valid JSON ({e}).") from None
    block = (data.get(dataset) or {}).get(backend)
    if not isinstance(block, dict):
        raise ThresholdsError(
            f"{path} has no thresholds for dataset {dataset!r} with backend {backend!r}.",
            fix=f"add a \"{dataset}\": {{\"{backend}\": {{\"min\": {{...}}}}}} block, or run without --gate.",
        )
    out: dict[str, dict[str, float]] = {}
    for kind in ("min", "max"):
        bounds = {k: v for k, v in (block.get(kind) or {}).items() if not k.startswith("_")}
        for k, v in bounds.items():
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise ThresholdsError(f"{path}: {dataset}.{backend}.{kind}.{k} must be a number, not {v!r}.")
        out[kind] = {k: float(v) for k, v in bounds.items()}
    if not out["min"] and not out["max"]:
        raise ThresholdsError(f"{path}: {dataset}.{backend} sets no thresholds.")
    return out


def check(metrics: dict, thresholds: dict[str, dict[str, float]]) -> list[Breach]:
    """Every threshold the metrics break; a metric that was not measured breaks its threshold."""
    breaches = []
    for metric, bound in thresholds.get("min", {}).items():
        v = metrics.get(metric)
        if v is None or v < bound:
            breaches.append(Breach(metric, v, bound, "min"))
    for metric, bound in thresholds.get("max", {}).items():
        v = metrics.get(metric)
        if v is None or v > bound:
            breaches.append(Breach(metric, v, bound, "max"))
    return breaches
