"""Unit tests of the eval metrics on hand-made cases with known results."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evals.dataset import EvalItem, load_dataset
from assistant.evals.metrics import (
    Cited,
    Outcome,
    aggregate,
    by_category,
    contains_answer,
    exact_match,
    facts_found,
    file_ranking,
    honesty,
    percentile,
    score_item,
    squad_normalize,
    token_f1,
)

A, B, C = "a.txt", "b.txt", "c.txt"
FACTS = [["10 billion", "ten billion"], ["ten years", "10 years", "decade"]]
PASSAGE_A = "Xiaomi said it would invest $10 billion over the next ten years."


def item(**kw) -> EvalItem:
    base = dict(id="x", query="How much will Xiaomi invest, over what period?", category="single_fact",
                reference_answer="$10 billion over ten years.", gold_sources=[A], key_facts=FACTS, expect_refusal=False)
    return EvalItem(**{**base, **kw})


def perfect() -> Outcome:
    return Outcome(
        text="Xiaomi will invest $10 billion over the next ten years [1].",
        citations=[Cited(A, "Xiaomi said it would invest $10 billion over the next ten years.", PASSAGE_A)],
        retrieved=[A, B, A, C],
        latency=1.0, tokens_in=100, tokens_out=12,
    )


def test_perfect_answer_scores_full_marks():
    s = score_item(item(), perfect(), k=5)
    assert s["hit_at_1"] is True and s["hit_at_k"] is True and s["rr"] == 1.0
    assert s["citation_precision"] == 1.0 and s["citation_recall"] == 1.0
    assert s["citation_support"] is True
    assert s["key_facts"] is True and s["fact_recall"] == 1.0
    assert s["missing"] == [] and s["ok"]


def test_wrong_citation_costs_precision_recall_and_support():
    out = perfect()
    out.citations = [Cited(B, "Xiaomi makes phones.", "Xiaomi makes phones and TVs.")]
    s = score_item(item(), out, k=5)
    assert s["citation_precision"] == 0.0 and s["citation_recall"] == 0.0
    assert s["citation_support"] is False
    assert s["key_facts"] is True  # the text is still right
    assert any("non-gold b.txt" in m for m in s["missing"]) and not s["ok"]


def test_half_right_citations():
    out = perfect()
    out.citations.append(Cited(B, "unrelated", "unrelated"))
    s = score_item(item(gold_sources=[A, C]), out, k=5)
    assert s["citation_precision"] == 0.5
    assert s["citation_recall"] == 0.5


def test_support_accepts_the_passage_when_the_quote_lacks_the_fact():
    out = perfect()
    out.citations = [Cited(A, "It announced a plan.", PASSAGE_A)]
    assert score_item(item(), out, k=5)["citation_support"] is True
    out.citations = [Cited(A, "It announced a plan.", "It announced a plan.")]
    assert score_item(item(), out, k=5)["citation_support"] is False


def test_uncited_answer_has_zero_precision():
    out = perfect()
    out.citations = []
    s = score_item(item(), out, k=5)
    assert s["citation_precision"] == 0.0 and s["citation_support"] is False
    assert "citations: none" in s["missing"]


def test_refusal_on_answerable_item():
    out = Outcome(text="I couldn't find this in the documents.", refused=True, retrieved=[A])
    s = score_item(item(), out, k=5)
    assert s["key_facts"] is False and s["fact_recall"] == 0.0
    assert s["citation_precision"] is None  # nothing was said, so nothing to be precise about
    assert s["citation_recall"] == 0.0
    assert s["hit_at_k"] is True  # retrieval is scored even when the answer step refused
    assert "refusal: refused an answerable question" in s["missing"]


def test_guard_refusal_without_passages_misses_retrieval():
    s = score_item(item(), Outcome(text="no", refused=True), k=5)
    assert s["hit_at_k"] is False and s["rr"] == 0.0


def test_expected_refusal_scores():
    unans = item(expect_refusal=True, gold_sources=[], key_facts=[], reference_answer="")
    ok = score_item(unans, Outcome(text="I couldn't find this.", refused=True, retrieved=[A]), k=5)
    assert ok["ok"] and ok["hit_at_k"] is None and ok["citation_precision"] is None and ok["key_facts"] is None
    bad = score_item(unans, Outcome(text="The top speed is 300 km/h [1].", citations=[Cited(A)]), k=5)
    assert bad["missing"] == ["refusal: answered a question the documents cannot answer"]


def test_retrieval_ranks_are_file_level():
    out = perfect()
    out.retrieved = [B, B, C, A]
    s = score_item(item(), out, k=5)
    assert s["hit_at_1"] is False and s["hit_at_k"] is True
    assert s["rr"] == pytest.approx(1 / 3)  # files B, C, A: A is third
    assert score_item(item(), out, k=3)["hit_at_k"] is False  # A is the 4th passage
    assert file_ranking([B, B, C, A]) == [B, C, A]


def test_nested_paths_match_bare_gold_names():
    out = perfect()
    out.retrieved = ["sub/a.txt"]
    out.citations = [Cited("sub/a.txt", PASSAGE_A, PASSAGE_A)]
    s = score_item(item(), out, k=5)
    assert s["hit_at_1"] and s["citation_precision"] == 1.0


def test_key_facts_variants_case_whitespace_and_thousands():
    facts = [["120,000"], ["Lei  Jun"], ["decade", "ten years"]]
    assert facts_found("It sold 120000 cars, said LEI\nJUN, over a Decade [2].", facts) == [True, True, True]
    assert facts_found("It sold 120 cars.", facts) == [False, False, False]
    assert facts_found("Price: 215,900 yuan", [["215900"]]) == [True]
    assert facts_found("Xiaomi’s plan", [["Xiaomi's plan"]]) == [True]


def test_partial_facts():
    out = perfect()
    out.text = "Xiaomi will invest $10 billion [1]."
    s = score_item(item(), out, k=5)
    assert s["key_facts"] is False and s["fact_recall"] == 0.5
    assert any("facts: missing ten years" in m for m in s["missing"])


def test_squad_normalisation_em_f1_and_containment():
    assert squad_normalize("The  Eiffel Tower!") == "eiffel tower"
    assert exact_match("the Eiffel tower.", "Eiffel Tower")
    assert not exact_match("Paris", "Eiffel Tower")
    assert token_f1("Juan Rodriguez", "Juan Rodriguez") == 1.0
    assert token_f1("Juan", "Juan Rodriguez") == pytest.approx(2 / 3)
    assert token_f1("Paris", "London") == 0.0
    assert contains_answer("It was Juan Rodriguez, a trader [1].", "Juan Rodriguez")
    assert not contains_answer("Rodriguezes lived there", "Rodriguez")  # whole words only
    assert not contains_answer("anything", "")


def test_honesty_counts():
    items = [item(expect_refusal=True), item(expect_refusal=True), item(), item(), item()]
    outs = [Outcome("", refused=True), Outcome("x"), Outcome("", refused=True), Outcome("x"), Outcome("x")]
    h = honesty(items, outs)
    assert h["refusal_precision"] == 0.5  # two refusals, one was right
    assert h["refusal_recall"] == 0.5
    assert h["false_refusal_rate"] == pytest.approx(1 / 3)
    assert h["refusal_accuracy"] == pytest.approx(3 / 5)


def test_honesty_without_refusal_labels():
    h = honesty([item(expect_refusal=None)] * 2, [Outcome("x"), Outcome("", refused=True)])
    assert h["refusal_precision"] is None and h["refusal_recall"] is None
    assert h["false_refusal_rate"] == 0.5


def test_never_refusing_has_undefined_precision_and_zero_recall():
    h = honesty([item(expect_refusal=True), item()], [Outcome("x"), Outcome("y")])
    assert h["refusal_precision"] is None and h["refusal_recall"] == 0.0


def test_percentiles():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)
    assert percentile([], 50) is None


def test_aggregate_and_categories():
    items = [item(), item(category="list"), item(expect_refusal=True, category="unanswerable", gold_sources=[], key_facts=[])]
    bad = perfect()
    bad.citations = [Cited(B, "x", "x")]
    outs = [perfect(), bad, Outcome("I couldn't find this.", refused=True, latency=3.0)]
    scores = [score_item(i, o, 5) for i, o in zip(items, outs)]
    m = aggregate(scores, outs, items)
    assert m["n_items"] == 3 and m["n_answerable"] == 2
    assert m["citation_precision"] == 0.5  # mean over the two answered, answerable items
    assert m["hit_at_k"] == 1.0 and m["refusal_recall"] == 1.0 and m["refusal_precision"] == 1.0
    assert m["items_ok"] == pytest.approx(2 / 3)
    assert m["latency_p50"] == 1.0 and m["tokens_in_total"] == 200
    cats = by_category(items, scores, outs)
    assert list(cats) == ["single_fact", "list", "unanswerable"]
    assert cats["list"]["citation_precision"] == 0.0 and cats["unanswerable"]["hit_at_k"] is None


def test_dataset_loads_labelled_rag_dataset_with_gold_sources_beside_it(tmp_path):
    ex = [{"query": "Who?", "reference_answer": "Juan Rodriguez", "reference_contexts": ["..."]},
          {"query": "Long?", "reference_answer": "a long answer with very many words in it, more than eight"}]
    (tmp_path / "rag_dataset.json").write_text(json.dumps({"examples": ex}))
    (tmp_path / "gold_sources.jsonl").write_text('{"index": 0, "source": "nyc.txt"}\n{"index": 1, "source": "x.txt"}\n')
    ds = load_dataset(tmp_path / "rag_dataset.json")
    assert ds.name == tmp_path.name and not ds.has_refusal_labels
    a, b = ds.items
    assert a.gold_sources == ["nyc.txt"] and a.answerable and a.expect_refusal is None
    assert a.key_facts == [["Juan Rodriguez"]] and a.facts_from_reference  # a short span is its own key fact
    assert b.key_facts == []  # a long reference answer is not a checkable fact
    assert len(load_dataset(tmp_path / "rag_dataset.json", limit=1).items) == 1


def test_even_sample_covers_every_category():
    ds = load_dataset(Path(__file__).resolve().parents[1] / "evals" / "gold" / "xiaomi.json", sample=14)
    assert len(ds.items) == 14
    assert {i.category for i in ds.items} == {"single_fact", "paraphrase", "list", "multi_doc", "unanswerable",
                                              "adversarial", "multi_turn"}


def test_gold_set_is_well_formed():
    ds = load_dataset(Path(__file__).resolve().parents[1] / "evals" / "gold" / "xiaomi.json")
    cats = {}
    for i in ds.items:
        cats[i.category] = cats.get(i.category, 0) + 1
        if i.expect_refusal:
            assert not i.gold_sources and not i.key_facts, i.id
        else:
            assert i.gold_sources and i.key_facts, i.id
        assert (i.category == "multi_turn") == bool(i.history), i.id
    assert len(ds.items) >= 60 and len(cats) == 7 and min(cats.values()) >= 6
    assert len({i.id for i in ds.items}) == len(ds.items)
