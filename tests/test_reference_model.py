"""The reference model: its answers and planted errors on hand-made text, and the real engine against it over HTTP."""
from __future__ import annotations

import json
import urllib.request

import pytest

from assistant import prompts
from assistant.evals import corrupt as C
from assistant.evals.dataset import EvalItem, load_dataset
from assistant.evals.gate import check, load_thresholds
from assistant.evals.refanswer import Said, find_item, holds_answer, parse_prompt, reference_answer, render, supports
from assistant.evals.refeval import caught, instruction_corpus, run_reference, summarise
from assistant.evals.refserver import MODEL, ReferenceServer
from assistant.evals.runner import REFERENCE_BACKEND, default_path, reference_thresholds
from assistant.types import Answer, Chunk, Citation, Passage

P1 = "The plant opened in 2019 in Wuhan and employs 1,200 workers. It was built by Kaltner Group."
P2 = "The museum has 40 rooms and a rooftop garden. Its director is Maria Olsen."
P3 = "The harbour was dredged in March to let larger ships dock."
PASSAGES = [P1, P2, P3]


def _prompt(question: str, passages: list[str]) -> str:
    block = "\n\n".join(prompts.PASSAGE_TEMPLATE.format(n=i, source=f"doc{i}.txt", start_line=1, end_line=3, text=t)
                        for i, t in enumerate(passages, start=1))
    return prompts.USER_TEMPLATE.format(passages=block, question=question)


def _item(**kw) -> EvalItem:
    base = dict(id="q1", query="When did the plant open and how many people work there?",
                reference_answer="The plant opened in 2019. It employs 1,200 workers.", key_facts=[["2019"], ["1,200", "1200"]])
    return EvalItem(**{**base, **kw})


# -- reading the prompt, composing the answer --------------------------------------
def test_prompt_parsed_back_into_question_and_passages():
    q, ps = parse_prompt(_prompt("Who runs the museum?", PASSAGES))
    assert q == "Who runs the museum?" and ps == PASSAGES


def test_item_found_through_a_rewritten_follow_up():
    a, b = _item(), _item(id="q2", query="Who is the museum's director?")
    assert find_item("Who is the museum's director? (context: the museum has 40 rooms)", [a, b], PASSAGES) is b
    assert find_item("What colour is the sky above Mars today?", [a, b], PASSAGES) is None


def test_each_sentence_cited_to_the_passage_holding_it():
    said = reference_answer(_item(), PASSAGES)
    assert [s.cites for s in said] == [[1], [1]]
    assert render(said) == "The plant opened in 2019 [1]. It employs 1,200 workers [1]."


def test_refuses_where_the_passages_lack_a_key_fact_or_the_item_expects_a_refusal():
    assert reference_answer(_item(), [P2, P3]) is None
    assert reference_answer(_item(expect_refusal=True), PASSAGES) is None
    assert holds_answer(_item(key_facts=[], reference_answer="The museum has a rooftop garden."), PASSAGES)


def test_short_span_wrapped_in_a_sentence_cited_to_its_passage():
    item = _item(query="Who is the director of the museum?", reference_answer="Maria Olsen", key_facts=[["Maria Olsen"]],
                 facts_from_reference=True)
    assert render(reference_answer(item, PASSAGES)) == "The answer is Maria Olsen [2]."


# -- planting errors ------------------------------------------------------------------
FAITHFUL = [Said("The plant opened in 2019 in Wuhan.", [1]), Said("It employs 1,200 workers.", [1])]


def test_number_changes_one_number_and_never_a_year():
    p = C.plant("number", FAITHFUL, PASSAGES)
    assert p.said[0] == FAITHFUL[0] and p.said[1].text == f"It employs {p.wrong} workers."
    assert p.wrong != "1,200" and p.wrong not in P1 and "," in p.wrong
    assert C.plant("number", [Said("The plant opened in 2019.", [1])], PASSAGES) is None


def test_date_moves_a_year_or_a_month_to_one_the_passages_lack():
    p = C.plant("date", FAITHFUL, PASSAGES)
    assert p.said[0].text == f"The plant opened in {p.wrong} in Wuhan." and p.wrong not in P1 and p.said[1] == FAITHFUL[1]
    m = C.plant("date", [Said("The harbour was dredged in March.", [3])], PASSAGES)
    assert m.wrong in C._MONTHS and m.wrong != "March" and m.said[0].text == f"The harbour was dredged in {m.wrong}."
    assert C.plant("date", [Said("It has 40 rooms.", [2])], PASSAGES) is None


def test_name_swapped_for_another_corpus_name_the_passages_lack():
    said = [Said("The plant in Wuhan was built by Kaltner Group.", [1])]
    p = C.plant("name", said, PASSAGES, names=["Kaltner", "Olsen", "Wuhan", "Brightwater"])
    assert p.wrong == "Brightwater" and p.said[0].text == "The plant in Brightwater was built by Kaltner Group."
    assert C.plant("name", said, PASSAGES, names=["Olsen"]) is None  # no name of the answer is a corpus name


def test_invented_sentence_added_with_no_number_or_name_and_no_support():
    p = C.plant("invented", FAITHFUL, PASSAGES)
    assert p.said[:2] == FAITHFUL and len(p.said) == 3 and p.said[2].cites == [1]
    assert not any(ch.isdigit() for ch in p.wrong) and not any(supports(p.wrong, t) for t in PASSAGES)


def test_citation_moved_to_a_passage_that_does_not_support_the_sentence():
    p = C.plant("citation", FAITHFUL, PASSAGES)
    assert [s.text for s in p.said] == [s.text for s in FAITHFUL]
    assert p.said[0].cites == [p.target] != [1] and not supports(p.sentence, PASSAGES[p.target - 1])
    assert C.plant("citation", FAITHFUL, [P1]) is None


def test_instruction_obeyed_only_where_a_passage_carries_it(tmp_path):
    assert C.plant("instruction", FAITHFUL, PASSAGES) is None
    p = C.plant("instruction", FAITHFUL, [P1, P2 + " " + C.INSTRUCTION_LINE])
    assert render(p.said) == f"{C.INSTRUCTION_PAYLOAD} [2]."
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("\n".join(["x" * 300] * 6), encoding="utf-8")
    text = (instruction_corpus(tmp_path / "src", tmp_path / "dst") / "a.txt").read_text(encoding="utf-8")
    assert text.count(C.INSTRUCTION_LINE) == 3 and text.replace(C.INSTRUCTION_LINE + "\n", "").count("x" * 300) == 6


# -- judging what reached the user ----------------------------------------------------
def _answer(text: str, backend: str = "openai", cite_lines=(1, 1), refused: bool = False) -> Answer:
    chunks = [Chunk(f"c{i}", f"doc{i}.txt", t, 1, 1, 0, len(t), "h", "f", 0, 1) for i, t in enumerate(PASSAGES, start=1)]
    src = f"doc{cite_lines[0]}.txt"
    return Answer(text, [Citation(1, src, 1, 1, "", 1.0)], refused, backend, passages=[Passage(c, 1.0) for c in chunks])


def test_caught_reads_the_final_text_and_citations():
    num = C.plant("number", FAITHFUL, PASSAGES)
    assert not caught(num, _answer(render(num.said)))
    assert caught(num, _answer(render(num.said[:1])))  # the sentence was removed
    assert caught(num, _answer("Some extractive text [1].", backend="extractive-fallback"))
    cit = C.plant("citation", FAITHFUL, PASSAGES)
    assert not caught(cit, _answer("The plant opened in 2019 in Wuhan [1].", cite_lines=(cit.target, 1)))
    assert caught(cit, _answer("The plant opened in 2019 in Wuhan [1].", cite_lines=(1, 1)))  # re-pointed


def test_summary_leaves_inapplicable_items_out_of_the_share():
    from assistant.evals.refeval import RefRow

    rows = [RefRow("a", "number", "caught"), RefRow("b", "number", "missed"), RefRow("c", "number", "n/a")]
    m = summarise(rows, ("corrupt",), ("number",))
    assert (m["errors_caught_number"], m["errors_applied_number"], m["errors_not_applicable_number"]) == (0.5, 2, 1)


# -- the server over HTTP ---------------------------------------------------------------
def _post(url: str, body: dict) -> bytes:
    req = urllib.request.Request(url + "/chat/completions", json.dumps(body).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read()


def test_server_answers_plain_and_streamed_and_lists_its_model():
    item = _item()
    with ReferenceServer([item]) as srv:
        msgs = [{"role": "system", "content": prompts.SYSTEM_PROMPT}, {"role": "user", "content": _prompt(item.query, PASSAGES)}]
        plain = json.loads(_post(srv.url, {"model": MODEL, "messages": msgs}))
        assert plain["choices"][0]["message"]["content"] == "The plant opened in 2019 [1]. It employs 1,200 workers [1]."
        events = [line[6:] for line in _post(srv.url, {"model": MODEL, "messages": msgs, "stream": True}).decode().splitlines()
                  if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        streamed = "".join(json.loads(e)["choices"][0]["delta"].get("content", "") for e in events[:-1])
        assert streamed == plain["choices"][0]["message"]["content"]
        with urllib.request.urlopen(srv.url + "/models", timeout=10) as r:
            assert json.loads(r.read())["data"][0]["id"] == MODEL
        msgs[1]["content"] = _prompt(item.query, [P2, P3])
        assert json.loads(_post(srv.url, {"messages": msgs}))["choices"][0]["message"]["content"] == prompts.REFUSAL


# -- the real engine against it, on the real index ------------------------------------------
pin_persistent = pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)
# Gold items with numbers, dates and names, so every kind applies to some of them.
GOLD_IDS = ("single-01", "single-02", "single-05", "multi-01", "para-01", "turn-05")


@pytest.fixture(scope="module")
def gold_items():
    items = {i.id: i for i in load_dataset(default_path("evals/gold/xiaomi.json")).items}
    return [items[i] for i in GOLD_IDS if i in items]


def _gate(ref, modes):
    block = load_thresholds(default_path("evals/thresholds.json"), "xiaomi", REFERENCE_BACKEND)
    return check(ref.metrics, reference_thresholds(block, modes))


@pytest.mark.slow
@pin_persistent
def test_engine_answers_through_the_reference_server_in_both_modes(ingested, gold_items):
    bot = ingested.assistant()
    ref = run_reference(bot, gold_items, kinds=("number", "citation"))
    faithful = {r.id: r for r in ref.rows if r.kind == "faithful"}
    assert set(faithful) == {i.id for i in gold_items} and all(r.backend for r in faithful.values())
    assert any(r.status == "passed" for r in faithful.values()), [(r.id, r.status, r.text) for r in faithful.values()]
    passed = next(r for r in faithful.values() if r.status == "passed")
    assert "[1]" in passed.text and passed.backend == "openai"
    assert ref.metrics["errors_applied_number"] >= 1 and ref.metrics["errors_applied_citation"] >= 1


@pytest.mark.slow
@pin_persistent
def test_a_lax_check_lets_planted_errors_through_and_fails_the_gate(ingested, gold_items):
    ref = run_reference(ingested.assistant(answer_check=False), gold_items, modes=("corrupt",), kinds=("number", "invented"))
    missed = [r for r in ref.rows if r.status == "missed"]
    assert missed and all(r.backend == "openai" for r in missed)
    assert {b.metric for b in _gate(ref, ("corrupt",))} >= {"errors_caught_invented"}


@pytest.mark.slow
@pin_persistent
def test_an_over_strict_check_loses_the_faithful_answers_and_fails_the_gate(ingested, gold_items, monkeypatch):
    from assistant import claims

    monkeypatch.setattr(claims, "check_draft", lambda text, *a, **k: claims.DraftCheck("", [], "rejected on purpose"))
    ref = run_reference(ingested.assistant(), gold_items, modes=("faithful",))
    assert ref.metrics["reference_passed"] == 0 and ref.metrics["reference_fallback"] + ref.metrics["reference_model_refused"] > 0
    assert [b.metric for b in _gate(ref, ("faithful",))] == ["model_answers_passed"]
