"""Ranking a follow-up's sentences (pure logic on hand-made scores)."""
from __future__ import annotations

from assistant.chunking import chunk_lines
from assistant.condense import Question
from assistant.followup import follow_up_ranking, unsaid
from assistant.gate import added_terms
from assistant.spans import sentence_spans
from assistant.support import ScoredSpan

TEXT = ("The lamp was designed in 1871 by Jakob Ellefsen.\nBy 1890 more than 140,000 lamps had been sold.\n"
        "The lamp is shown in the mining museum.\n")


def spans():
    chunk = chunk_lines(TEXT.splitlines(keepends=True), "lamp.txt", "f" * 16, 400, 0)[0]
    return sentence_spans(chunk)


def scored(values):
    return [ScoredSpan(sp, 0, 0.5, 0.5, v, frozenset()) for sp, v in zip(spans(), values)]


def test_both_scores_count_and_the_asked_part_decides():
    asked = scored([1.0, 3.0, 2.5])  # for "how many were sold by 1890?"
    whole = scored([4.0, 1.0, 1.0])  # with the earlier question about the designer carried along
    ranked = follow_up_ranking(asked, whole, said="")
    assert [s.score for s in ranked] == [5.0, 4.0, 3.5]
    assert ranked[0].span.text.startswith("The lamp was designed")  # 1 + 4: context still counts ...
    ranked = follow_up_ranking(asked, whole, said="The lamp was designed in 1871 by Jakob Ellefsen. [1]")
    assert ranked[0].span.text.startswith("By 1890")  # ... but what the user was just told goes last
    assert ranked[-1].span.text.startswith("The lamp was designed")


def test_a_reply_that_quoted_nothing_verbatim_moves_nothing():
    asked, whole = scored([1.0, 3.0, 2.5]), scored([0.0, 0.0, 0.0])
    ranked = follow_up_ranking(asked, whole, said="Jakob Ellefsen designed it. [1]")
    assert [s.score for s in ranked] == [3.0, 2.5, 1.0]



def test_unsaid_leaves_out_what_the_last_reply_quoted():
    designed, sold, shown = scored([3.0, 2.0, 1.0])
    said = "The lamp was designed in 1871\nby Jakob Ellefsen. [1]"  # quoted, markers and line breaks aside
    assert unsaid([designed, sold, shown], said) == [sold, shown]
    assert unsaid([designed, sold, shown], "") == [designed, sold, shown]


def test_added_terms_are_what_the_follow_up_asks_that_its_context_did_not_say():
    assert added_terms(Question("and trout?", "Which fish live in the Velna river? salmon")) == ["trout"]
    assert added_terms(Question("and the Team plan?", "How much storage does the Free plan have?")) == ["team"]
    # Words under three letters ("ok") and the most common English words ("ask") name nothing asked.
    assert added_terms(Question("ok how do i ask for one?", "How do I get an API token?")) == []
    # A word the context said, in any form, is not added ("mines" after "mine").
    assert added_terms(Question("how deep are the mines?", "Which mine produced the ore?")) == ["deep"]
