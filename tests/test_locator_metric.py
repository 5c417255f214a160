"""The "citation points at the right page/slide/row" eval metric, on hand-made outcomes."""
from __future__ import annotations

from assistant.evals.dataset import EvalItem
from assistant.evals.metrics import Cited, Outcome, aggregate, locator_matches, score_item

GOLD = [{"source": "deck.pptx", "slide": 3}, {"source": "book.xlsx", "sheet": "Prices", "row": 12}]


def test_a_citation_names_the_gold_place_or_a_range_holding_it():
    assert locator_matches(Cited("deck.pptx", locator={"slide": 3}), GOLD)
    assert not locator_matches(Cited("deck.pptx", locator={"slide": 4}), GOLD)
    assert locator_matches(Cited("book.xlsx", locator={"sheet": "Prices", "row": 10, "end_row": 13}), GOLD)
    assert not locator_matches(Cited("book.xlsx", locator={"sheet": "Costs", "row": 12}), GOLD)
    assert not locator_matches(Cited("other.pptx", locator={"slide": 3}), GOLD)
    assert locator_matches(Cited("r.pdf", locator={"page": 6, "end_page": 7}), [{"source": "r.pdf", "page": 7}])


def test_score_counts_only_answers_that_cite_a_gold_file():
    item = EvalItem(id="x", query="q", gold_sources=["deck.pptx"], key_facts=[["7"]], expect_refusal=False, gold_locators=GOLD)
    right = Outcome("It is 7. [1]", citations=[Cited("deck.pptx", "It is 7.", locator={"slide": 3}, label="slide 3")])
    wrong = Outcome("It is 7. [1]", citations=[Cited("deck.pptx", "It is 7.", locator={"slide": 5}, label="slide 5")])
    elsewhere = Outcome("It is 7. [1]", citations=[Cited("notes.txt", "It is 7.", locator={"line": 2})])
    refused = Outcome("I couldn't find this.", refused=True)
    scores = [score_item(item, o, 5) for o in (right, wrong, elsewhere, refused)]
    assert [s["locator"] for s in scores] == [True, False, None, None]
    assert any("locator: cited deck.pptx slide 5" in m for m in scores[1]["missing"])
    assert aggregate(scores, [right, wrong, elsewhere, refused], [item] * 4)["locator_accuracy"] == 0.5
