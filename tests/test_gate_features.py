"""The extractive gate's features on hand-made passages (pure logic; one slow test scores with the real embedder)."""
from __future__ import annotations

import pytest

from assistant.chunking import chunk_lines
from assistant.gate import GATE_FEATURES, gate_features
from assistant.names import name_forms, named_in
from assistant.spans import sentence_spans
from assistant.support import ScoredSpan, score_spans
from assistant.answer_types import PERSON, candidates, expected_type, focus_entities, surnames_named
from assistant.types import Passage
from assistant.units import is_unit

TEXT = ("In a bold step, Xiaomi's CEO Lei Jun led a strategic meeting on the launch.\n"
        "The market is competitive, with established players like Tesla, NIO and BYD leading the charge.\n")


def scored(question: str, scores: dict[str, float]) -> tuple[list[Passage], list[ScoredSpan]]:
    chunk = chunk_lines(TEXT.splitlines(keepends=True), "a.txt", "f" * 16, 400, 0)[0]
    passages = [Passage(chunk=chunk, score=1.0, dense=0.4)]
    qtype = expected_type(question)
    out = []
    for sp in sentence_spans(chunk):
        score = next(v for k, v in scores.items() if k in sp.text)
        answers = frozenset(candidates(sp.text, qtype, question)) if qtype else frozenset()
        out.append(ScoredSpan(sp, 0, 0.4, 0.5, score, answers, (), 0.4))
    out.sort(key=lambda s: -s.score)
    return passages, out


def feature(question: str, scores: dict[str, float], name: str) -> float:
    passages, spans = scored(question, scores)
    return gate_features(question, passages, spans)[GATE_FEATURES.index(name)]


def test_a_typed_question_about_a_name_needs_its_answer_beside_the_name():
    scores = {"Lei Jun": 2.0, "Tesla": 1.0}
    assert feature("Who is the CEO of Tesla?", scores, "typed_unbound") == 1.0  # a CEO here, Tesla there
    assert feature("Who is the CEO of Xiaomi?", scores, "typed_unbound") == 0.0
    assert feature("What is the market like?", scores, "typed_unbound") == 0.0  # no type asked: no such test


def test_a_demonym_in_the_question_is_bound_by_the_place_it_names():
    """"European buyers" is about Europe: a year beside "Europe" answers "before which year", as beside "Xiaomi"."""
    text = "Lei Jun hopes to sell Xiaomi cars in Europe before 2030.\nThe market is competitive.\n"
    chunk = chunk_lines(text.splitlines(keepends=True), "a.txt", "f" * 16, 400, 0)[0]
    q = "Before which year does the chief want European buyers to get the cars?"
    spans = [ScoredSpan(sp, 0, 0.4, 0.5, 2.0 - k, frozenset(candidates(sp.text, expected_type(q), q)), (), 0.4)
             for k, sp in enumerate(sentence_spans(chunk))]
    f = gate_features(q, [Passage(chunk=chunk, score=1.0, dense=0.4)], spans)
    assert f[GATE_FEATURES.index("bound_answer")] == 1.0 and f[GATE_FEATURES.index("typed_unbound")] == 0.0
    assert named_in("european", "sell cars in europe") and not named_in("european", "sell cars in asia")


def test_companies_and_acronyms_are_not_people():
    assert candidates("Players like Tesla, NIO and BYD lead.", PERSON, "Who leads?") == set()
    assert candidates("Xiaomi's CEO Lei Jun spoke.", PERSON, "Who spoke?") == {"Lei Jun"}
    # A firm's, a street's or a place's two title-case words are no person's name.
    s = "I started Larkspur Systems on Washington Avenue, near Mount Tessel in the United States, with Samuel Idowu."
    assert candidates(s, PERSON, "Who co-founded it?") == {"Samuel Idowu"}
    assert candidates("Saint Patrick Brown arrived.", PERSON, "Who arrived?") == {"Saint Patrick Brown"}


def test_a_surname_alone_is_a_person_when_the_passage_gives_the_full_name():
    passage_text = ("Among his assistants was the botanist Lotte Hammar, who catalogued the samples. "
                    "Hammar later became, in 1881, the first woman to lecture at the university. Tesla and BYD sell cars.")
    q = "Who was the first woman to lecture at the university?"
    assert candidates("Hammar later became, in 1881, the first woman to lecture at the university.", PERSON, q) == set()
    assert surnames_named("Hammar later became, in 1881, the first woman to lecture at the university.", passage_text, q) == {"Hammar"}
    assert surnames_named("Tesla and BYD sell cars.", passage_text, "Who sells cars?") == set()  # no one's surname
    assert surnames_named("Hammar later became a lecturer.", passage_text, "What did Hammar become?") == set()  # asked about
    # A name at a line's end and a capitalised word starting the next line are two things, not one person's name.
    assert surnames_named("Timekeeper: Aiko", "Attendees: Tomasz Nowak\nTimekeeper: Aiko", "Who kept time?") == set()


def test_the_lead_is_shared_between_near_tied_sentences():
    """A tiny change in ranking (another file in the corpus) moves the lead features a little, not all the way."""
    q = "Who is the CEO of Tesla?"
    a = feature(q, {"Lei Jun": 10.28, "Tesla": 10.23}, "lead_coverage")
    b = feature(q, {"Lei Jun": 10.23, "Tesla": 10.28}, "lead_coverage")
    clear = feature(q, {"Lei Jun": 14.0, "Tesla": 10.0}, "lead_coverage")
    assert abs(a - b) < 0.1
    assert clear > 0.95 and 0.4 < a < 0.6


def test_no_passages_means_every_feature_says_nothing_was_found():
    f = dict(zip(GATE_FEATURES, gate_features("Who is the CEO of Tesla?", [], [])))
    assert f["best_similarity"] == 0.0 and f["name_unknown"] == 1.0 and f["typed_unbound"] == 1.0


def test_a_demonym_is_present_when_its_place_is():
    """"European buyers" over a text that says "Europe": the name is there, and the gate must not doubt it."""
    scores = {"Lei Jun": 2.0, "Tesla": 1.0}
    text = TEXT.replace("on the launch", "on selling cars in Europe")
    chunk = chunk_lines(text.splitlines(keepends=True), "a.txt", "f" * 16, 400, 0)[0]
    passages = [Passage(chunk=chunk, score=1.0, dense=0.4)]
    spans = [ScoredSpan(sp, 0, 0.4, 0.5, next(v for k, v in scores.items() if k in sp.text), frozenset(), (), 0.4)
             for sp in sentence_spans(chunk)]
    idx = GATE_FEATURES.index("name_unknown")
    assert gate_features("When will European buyers get the cars?", passages, spans)[idx] == 0.0
    assert gate_features("When will Japanese buyers get the cars?", passages, spans)[idx] == 1.0
    assert "china" in name_forms("chinese") and "chin" not in name_forms("chinese")  # "chin" is in "machine"


def test_a_unit_is_not_what_the_question_is_about():
    assert focus_entities("What was Larkspur's annual revenue in 2005 in USD?") == {"larkspur"}
    assert focus_entities("How many kWh does the SU7 battery hold?") == {"su7"}  # not "wh", a capital inside a word
    assert is_unit("RMB") and is_unit("km") and not is_unit("Tesla")


@pytest.mark.slow
def test_a_role_field_names_its_person_in_one_word(embedder):
    """"Timekeeper: Aiko" answers "who": without it a second sentence was added for a name of two words."""
    text = "Attendees: Priya Raman (chair), Tomasz Nowak\nTimekeeper: Aiko\nThe budget was approved.\n"
    chunk = chunk_lines(text.splitlines(keepends=True), "notes.md", "f" * 16, 400, 0)[0]
    q = "Who kept time at the sync?"
    spans = score_spans(q, embedder.get_query_embedding(q), [Passage(chunk=chunk, score=1.0, dense=0.4)], embedder, lambda t: 1.0)
    answers = {s.span.text: s.answers for s in spans}
    assert answers["Timekeeper: Aiko"] == {"Aiko"}
    assert answers["The budget was approved."] == frozenset()
    asked = "Who is Aiko?"  # a name the question already says is no answer
    spans = score_spans(asked, embedder.get_query_embedding(asked), [Passage(chunk=chunk, score=1.0, dense=0.4)], embedder, lambda t: 1.0)
    assert {s.span.text: s.answers for s in spans}["Timekeeper: Aiko"] == frozenset()
