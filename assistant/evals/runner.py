"""Run an eval: ``assistant eval`` and the Python entry point :func:`run_eval`.

>>> from assistant.api import Assistant
>>> from assistant.evals.dataset import load_dataset
>>> run = run_eval(Assistant(), load_dataset("evals/gold/xiaomi.json"))   # doctest: +SKIP
>>> run.ours.metrics["hit_at_k"]                                          # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from ..settings import Settings
from .dataset import EvalItem, load_dataset
from .gate import check, load_thresholds
from .metrics import Outcome, aggregate, by_category, score_item
from .report import EvalRun, SystemRun, summary_table, write
from .systems import System, ours, run_all

_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATASET = "evals/gold/xiaomi.json"
DEFAULT_THRESHOLDS = "evals/thresholds.json"
# Git-ignored: `make test` must leave the tree clean; `--out evals/results` writes the published copy.
DEFAULT_OUT = "build/evals"
# The thresholds block the reference-model rows are gated by (evals/thresholds.json).
REFERENCE_BACKEND = "reference"
_REFERENCE_MODES = {"faithful": ("faithful",), "corrupt": ("corrupt",), "both": ("faithful", "corrupt")}


def default_path(rel: str) -> Path:
    """``rel`` under the working directory if it exists there, else under the source checkout."""
    p = Path(rel)
    return p if p.exists() else _ROOT / rel


def score_system(name: str, items: list[EvalItem], outcomes: list[Outcome], k: int, seconds: float = 0.0, note: str = "") -> SystemRun:
    """Score every outcome and aggregate, overall and per category."""
    scores = [score_item(i, o, k) for i, o in zip(items, outcomes)]
    return SystemRun(name, outcomes, scores, aggregate(scores, outcomes, items), by_category(items, scores, outcomes), note, seconds)


def evaluate(name: str, system: System, items: list[EvalItem], k: int, note: str = "") -> SystemRun:
    """Run ``system`` on ``items`` and score it."""
    t0 = time.perf_counter()
    outcomes = run_all(system, items, desc=name)
    return score_system(name, items, outcomes, k, time.perf_counter() - t0, note)


def run_eval(bot, dataset, *, baseline: bool = False, system: System | None = None) -> EvalRun:
    """Evaluate an :class:`~assistant.api.Assistant` (already ingested) on a loaded dataset.

    ``system`` replaces ``ours(bot)``, e.g. to evaluate a wrapped engine.
    ``baseline`` also runs the textbook llama-index pipeline on the same items.
    """
    s: Settings = bot.settings
    k = s.top_k
    t0 = time.time()
    mine = evaluate("ours", system or ours(bot), dataset.items, k, note=f"backend {s.backend}")
    base = None
    if baseline:
        from .baseline import Baseline, baseline_llm

        llm, note = baseline_llm(s, bot.generator)
        b = Baseline(s.corpus_dir, bot.embedder, llm, k)
        try:
            base = evaluate("baseline", b, dataset.items, k, note=f"{note}; {b.n_nodes} nodes")
        finally:
            b.close()
    meta = {
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "seconds": round(time.time() - t0, 1),
        "settings": {f: getattr(s, f) for f in ("chunk_tokens", "chunk_overlap", "top_k", "candidates", "dense_weight",
                                                "bm25_weight", "refusal_threshold", "backend", "answer_check")},
    }
    return EvalRun(dataset, dataset.items, s.backend, k, str(s.corpus_dir), mine, base, meta)


@contextlib.contextmanager
def _index_for(args, settings: Settings) -> Iterator[Settings]:
    """A foreign --corpus without --index gets a throwaway index, so index/ is never touched."""
    if getattr(args, "corpus", None) and not getattr(args, "index", None):
        with tempfile.TemporaryDirectory(prefix="eval-index-") as tmp:
            yield settings.replace(index_dir=tmp)
    else:
        yield settings


def main(args, settings: Settings) -> int:
    """``assistant eval``: run, write results, print the table; with --gate, exit 1 on a breach."""
    from ..api import Assistant

    dataset = load_dataset(getattr(args, "dataset", None) or default_path(DEFAULT_DATASET),
                           getattr(args, "gold_sources", None), getattr(args, "limit", None), getattr(args, "sample", None))
    thresholds = ref_thresholds = None
    modes = _REFERENCE_MODES.get(getattr(args, "reference_model", None) or "", ())
    if getattr(args, "gate", False):  # read before the long run, so a bad file fails fast
        path = getattr(args, "thresholds", None) or default_path(DEFAULT_THRESHOLDS)
        thresholds = load_thresholds(path, dataset.name, settings.backend)
        if modes:
            ref_thresholds = reference_thresholds(load_thresholds(path, dataset.name, REFERENCE_BACKEND), modes)
    with _index_for(args, settings) as s:
        bot = Assistant(s)
        _log(f"indexing {s.corpus_dir} into {s.index_dir} ...")
        report = bot.ingest(progress=_ingest_bar())
        _log(f"index: {report.summary()} ({report.seconds:.1f}s); evaluating {len(dataset.items)} items"
             + (" with the baseline" if getattr(args, "baseline", False) else ""))
        run = run_eval(bot, dataset, baseline=getattr(args, "baseline", False))
        if modes:
            from .refeval import run_reference

            _log(f"reference model: {' and '.join(modes)} passes on {len(dataset.items)} items")
            run.reference = run_reference(bot, dataset.items, modes, progress=_bar)
    run.meta["limit"] = getattr(args, "limit", None)
    run.meta["sample"] = getattr(args, "sample", None)
    jpath, mpath = write(run, getattr(args, "out", None) or default_path(DEFAULT_OUT))
    print(summary_table(run))
    if run.reference:
        from .refreport import reference_table

        print("\n" + reference_table(run.reference))
    print(f"\nresults: {jpath} and {mpath}")
    if thresholds is None:
        return 0
    failed = _gate(run.ours.metrics, thresholds, dataset.name, settings.backend)
    if ref_thresholds is not None:
        failed |= _gate(run.reference.metrics, ref_thresholds, dataset.name, REFERENCE_BACKEND)
    return 1 if failed else 0


def reference_thresholds(block: dict[str, dict[str, float]], modes) -> dict[str, dict[str, float]]:
    """The reference block's bounds on the rows these modes measure (a faithful-only run has no error rows)."""
    keep = (("model_answers_passed",) if "faithful" in modes else ()) + (("errors_caught_",) if "corrupt" in modes else ())
    return {kind: {k: v for k, v in bounds.items() if k.startswith(keep)} for kind, bounds in block.items()}


def _gate(metrics: dict, thresholds: dict[str, dict[str, float]], dataset: str, backend: str) -> bool:
    """Print the verdict for one thresholds block; True when a bound is broken."""
    breaches = check(metrics, thresholds)
    if breaches:
        print(f"eval gate FAILED ({dataset}, {backend}):", file=sys.stderr)
        for b in breaches:
            print(f"  {b}", file=sys.stderr)
        return True
    print(f"eval gate passed ({dataset}, {backend}): {sum(map(len, thresholds.values()))} thresholds met")
    return False


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _bar(items, desc: str):
    """A progress bar over one reference pass (shown in logs too, like run_all's)."""
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="q", leave=False, mininterval=5, disable=len(items) < 10)


def _ingest_bar():
    from tqdm import tqdm

    state: dict = {}

    def progress(done: int, total: int, source: str) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, unit="file", desc="ingest", leave=False, disable=None if total >= 5 else True)
        state["bar"].n = done
        state["bar"].refresh()
        if done >= total:
            state["bar"].close()

    return progress
