"""The eval gate: threshold checks, and real pipelines broken on purpose must fail it."""
from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest

from assistant.evals.dataset import load_dataset
from assistant.evals.gate import Breach, ThresholdsError, check, load_thresholds

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evals" / "gold" / "xiaomi.json"
THRESHOLDS = ROOT / "evals" / "thresholds.json"


def write_thresholds(path: Path, block: dict, dataset: str = "xiaomi", backend: str = "extractive") -> Path:
    path.write_text(json.dumps({"_comment": "test", dataset: {backend: block}}))
    return path


# -- the threshold check itself ---------------------------------------------------
def test_check_reports_each_breach(tmp_path):
    t = load_thresholds(write_thresholds(tmp_path / "t.json", {
        "min": {"hit_at_k": 0.9, "citation_precision": 0.8, "refusal_precision": 0.5, "_why": "comment"},
        "max": {"false_refusal_rate": 0.2},
    }), "xiaomi", "extractive")
    good = {"hit_at_k": 0.95, "citation_precision": 0.8, "refusal_precision": 0.6, "false_refusal_rate": 0.2}
    assert check(good, t) == []  # equal to the bound passes
    bad = {"hit_at_k": 0.5, "citation_precision": 0.9, "refusal_precision": None, "false_refusal_rate": 0.3}
    breaches = check(bad, t)
    assert {b.metric for b in breaches} == {"hit_at_k", "refusal_precision", "false_refusal_rate"}
    assert "not measured" in str(next(b for b in breaches if b.metric == "refusal_precision"))
    assert str(Breach("hit_at_k", 0.5, 0.9, "min")) == "hit_at_k = 0.500, below the minimum 0.900"


def test_thresholds_file_errors(tmp_path):
    with pytest.raises(ThresholdsError, match="does not exist"):
        load_thresholds(tmp_path / "none.json", "xiaomi", "extractive")
    p = write_thresholds(tmp_path / "t.json", {"min": {"hit_at_k": 0.9}})
    with pytest.raises(ThresholdsError, match="no thresholds for dataset 'xiaomi' with backend 'local'"):
        load_thresholds(p, "xiaomi", "local")
    with pytest.raises(ThresholdsError, match="must be a number"):
        load_thresholds(write_thresholds(tmp_path / "t2.json", {"min": {"hit_at_k": "high"}}), "xiaomi", "extractive")
    with pytest.raises(ThresholdsError, match="sets no thresholds"):
        load_thresholds(write_thresholds(tmp_path / "t3.json", {"min": {}}), "xiaomi", "extractive")


def test_repository_thresholds_cover_the_key_metrics():
    t = load_thresholds(THRESHOLDS, "xiaomi", "extractive")
    for metric in ("hit_at_k", "mrr", "citation_precision", "citation_support", "key_fact_accuracy",
                   "refusal_precision", "refusal_recall", "refusal_accuracy"):
        assert 0 < t["min"][metric] <= 1, metric
    assert 0 <= t["max"]["false_refusal_rate"] < 1


# -- real pipelines, broken on purpose ---------------------------------------------
# Answerable single facts plus questions the pipeline refuses today: enough to
# measure citation precision and refusal recall, small enough to run quickly.
SUBSET = ["single-01", "single-02", "single-03", "single-04", "adv-01", "adv-02", "unans-01", "unans-03", "unans-04"]


def _subset():
    ds = load_dataset(GOLD)
    by_id = {i.id: i for i in ds.items}
    return dataclasses.replace(ds, items=[by_id[i] for i in SUBSET])


def _wrong_file(bot, corpus: list[str]):
    """Our real pipeline, but every citation names a file the answer did not come from."""
    real_ask = bot.ask

    def ask(question, history=None):
        ans = real_ask(question, history)
        ans.citations = [dataclasses.replace(c, source=next(f for f in corpus if f != c.source)) for c in ans.citations]
        return ans

    bot.ask = ask
    return bot


@pytest.mark.slow
@pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)
def test_broken_pipelines_fail_the_gate(ingested):
    from assistant.evals.runner import run_eval

    thresholds = load_thresholds(THRESHOLDS, "xiaomi", "extractive")
    subset = _subset()
    corpus = sorted(p.name for p in ingested.corpus.iterdir() if not p.name.startswith("."))

    honest = run_eval(ingested.assistant(), subset).ours.metrics
    honest_breaches = {b.metric for b in check(honest, thresholds)}
    # The control: the metrics the breakages target pass on this subset when nothing is broken.
    assert not honest_breaches & {"citation_precision", "citation_support", "refusal_recall"}, honest_breaches

    wrong = run_eval(_wrong_file(ingested.assistant(), corpus), subset).ours.metrics
    assert wrong["citation_precision"] == 0.0
    # Citation precision is what catches a wrong file; "citations holding the
    # stated fact" reads the quote, which stays right when only the file name is
    # wrong (the extractive answer quotes just the sentence that answers).
    assert "citation_precision" in {b.metric for b in check(wrong, thresholds)}

    # Never refusing: the real engine with its refusal gate switched off.
    never = run_eval(ingested.assistant(refusal_threshold=0.0), subset).ours.metrics
    assert never["refusal_recall"] == 0.0
    assert "refusal_recall" in {b.metric for b in check(never, thresholds)}


# -- the CLI entry point on a foreign corpus ----------------------------------------
FOREIGN = {
    "lighthouses.txt": "The Hook Head lighthouse in Ireland has guided ships for over 800 years.\n"
                       "Its tower is built of limestone and has walls four metres thick.\n",
    "volcanoes.txt": "Mauna Loa on Hawaii is the largest active volcano on Earth by volume.\n"
                     "Its last eruption began in November 2022 and lasted about two weeks.\n",
}
QUESTIONS = [
    {"query": "How thick are the walls of the Hook Head lighthouse?", "reference_answer": "four metres", "reference_contexts": []},
    {"query": "When did Mauna Loa last erupt?", "reference_answer": "November 2022", "reference_contexts": []},
]


@pytest.mark.slow
def test_cli_eval_on_a_foreign_corpus_uses_a_throwaway_index(tmp_path, monkeypatch, cached_embedder, capsys):
    import assistant.api
    from assistant.evals.runner import main
    from assistant.settings import Settings

    class SharedEmbedder(assistant.api.Assistant):  # the session's embedder, so the test loads no model
        def __init__(self, settings=None, **kw):
            super().__init__(settings, embedder=cached_embedder, **kw)

    monkeypatch.setattr(assistant.api, "Assistant", SharedEmbedder)
    monkeypatch.chdir(tmp_path)  # the default index/ would land here
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name, text in FOREIGN.items():
        (corpus / name).write_text(text)
    data = tmp_path / "bench" / "rag_dataset.json"
    data.parent.mkdir()
    data.write_text(json.dumps({"examples": QUESTIONS}))
    (data.parent / "gold_sources.jsonl").write_text('{"index": 0, "source": "lighthouses.txt"}\n{"index": 1, "source": "volcanoes.txt"}\n')
    settings = Settings.from_mapping({"corpus_dir": corpus})

    def run(**block) -> int:
        t = write_thresholds(tmp_path / "t.json", block, dataset="bench")
        args = argparse.Namespace(dataset=str(data), gold_sources=None, corpus=str(corpus), index=None, limit=None,
                                  baseline=False, gate=True, thresholds=str(t), out=str(tmp_path / "results"))
        return main(args, settings)

    assert run(min={"hit_at_k": 1.0}) == 0
    result = json.loads((tmp_path / "results" / "bench-extractive.json").read_text())
    assert result["systems"]["ours"]["metrics"]["hit_at_k"] == 1.0
    assert [i["gold_sources"] for i in result["items"]] == [["lighthouses.txt"], ["volcanoes.txt"]]
    assert (tmp_path / "results" / "bench-extractive.md").read_text().startswith("# Eval: bench")
    assert not (tmp_path / "index").exists()  # the foreign corpus never touched the default index

    assert run(min={"hit_at_k": 1.0, "answer_containment": 1.01}) == 1
    assert "answer_containment" in capsys.readouterr().err
