"""The answer check on the real index: per-sentence outcomes a user sees (text, notes, JSON, CLI).

The model is scripted (what it writes is the input under test); retrieval,
passages, the check and the citations are the real ones.
"""
from __future__ import annotations

import json
import re

import pytest

from assistant.prompts import REFUSAL

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)]

A000 = "000_d30eed791859901c.txt"
A001 = "001_cbec50985027b4ff.txt"


def passage_no(user: str, needle: str) -> int:
    """The number [n] of the passage in the prompt that contains ``needle`` (0 if none)."""
    for m in re.finditer(r"^\[(\d+)\] \(.*?\)\n(.*?)(?=\n\n\[\d+\] \(|\n\nQuestion:)", user, re.S | re.M):
        if needle in m.group(2):
            return int(m.group(1))
    return 0


class Model:
    """A chat model whose reply is ``write(user)``: it can cite the passages it was really shown."""

    name, chat = "openai", True

    def __init__(self, write):
        self.write = write
        self.calls = 0

    def generate(self, system, user, completion):
        self.calls += 1
        text = self.write(user)
        for i in range(0, len(text), 12):  # streamed in pieces, like a server
            yield text[i : i + 12]


def ask(ingested, write, question, **settings):
    return ingested.assistant(generator=Model(write), backend="openai", **settings).ask(question)


def test_an_invented_sentence_is_removed_and_the_rest_stands(ingested):
    def write(user):
        k = passage_no(user, "120,000 vehicles")
        return (f"Xiaomi sold 120,000 vehicles in 36 hours, using a subscription model [{k}]. "
                f"Every buyer also got free charging for life [{k}].")

    ans = ask(ingested, write, "How many cars did Xiaomi sell in 36 hours?")
    assert ans.backend == "openai" and not ans.refused
    assert "120,000" in ans.text and "free charging" not in ans.text
    assert [c.verdict for c in ans.claims] == ["kept", "removed"]
    assert any(n.startswith("1 sentence removed:") and "free charging" in n for n in ans.notes), ans.notes
    assert ans.citations and ans.citations[0].source == A000
    d = ans.to_dict()
    assert d["claims"][1]["verdict"] == "removed" and d["claims"][1]["reason"]


def test_a_changed_figure_is_caught_and_a_wrong_citation_is_repointed(ingested):
    def write(user):
        right, other = passage_no(user, "720,000 square meters"), passage_no(user, "120,000 vehicles")
        assert right and other and right != other
        return (f"The first phase covers almost 720,000 square meters [{other}]. "  # cited to the wrong passage
                f"It was completed by June 2023 [{right}]. It cost 4 billion yuan [{right}].")  # invented figure

    ans = ask(ingested, write, "How big was the first phase of Xiaomi's factory, and when was it finished? "
                               "How many cars were sold in 36 hours?")
    verdicts = [c.verdict for c in ans.claims]
    assert verdicts == ["repointed", "kept", "removed"], ans.claims
    assert "4 billion" not in ans.text and "720,000" in ans.text
    assert all(c.source == A001 for c in ans.citations), ans.citations
    assert any(n.startswith("citation re-pointed") for n in ans.notes)


def test_a_partial_answer_that_names_what_is_missing_is_kept(ingested):
    def write(user):
        k = passage_no(user, "120,000 vehicles")
        return f"Xiaomi sold 120,000 vehicles in 36 hours [{k}]. The documents do not say how many were delivered."

    ans = ask(ingested, write, "How many Xiaomi cars were sold in 36 hours and how many were delivered?")
    assert ans.backend == "openai" and not ans.refused
    assert "do not say how many were delivered" in ans.text
    assert [c.verdict for c in ans.claims] == ["kept", "gap"]


@pytest.mark.parametrize("reply", ["The documents do not mention the SU7's top speed.", REFUSAL])
def test_only_a_statement_of_what_is_missing_is_the_models_refusal(ingested, reply):
    ans = ask(ingested, lambda user: reply, "What is the SU7's top speed?")
    assert ans.refused and ans.text == REFUSAL and ans.citations == []
    assert ans.backend == "openai"  # the model's own refusal, not a fallback


def test_nothing_supported_falls_back_to_the_extractive_answer(ingested):
    ans = ask(ingested, lambda user: "Xiaomi sold 999,999 cars in 12 hours [1].", "How many cars did Xiaomi sell in 36 hours?")
    assert ans.backend == "extractive-fallback"
    assert any("failed the check" in n and "the figure" in n for n in ans.notes), ans.notes
    assert "999,999" not in ans.text and "120,000" in ans.text


def test_the_cli_shows_what_stands_after_the_streamed_draft(ingested, capsys):
    from assistant import cli

    def write(user):
        k = passage_no(user, "120,000 vehicles")
        return f"Xiaomi sold 120,000 vehicles in 36 hours [{k}]. It also comes with free charging for life [{k}]."

    bot = ingested.assistant(generator=Model(write), backend="openai")
    stream = bot.stream("How many cars did Xiaomi sell in 36 hours?")
    shown = "".join(stream)
    assert "free charging" in shown  # the draft streams as the model writes it ...
    cli._print_checked(stream.answer)
    cli._print_sources(stream.answer)
    out = capsys.readouterr().out
    checked = next(line for line in out.splitlines() if line.startswith("checked answer:"))
    assert "120,000" in checked and "free charging" not in checked  # ... and what stands is shown after it
    assert "note: 1 sentence removed" in out
