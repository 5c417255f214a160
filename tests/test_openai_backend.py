"""The `openai` backend against a real OpenAI-compatible server on loopback.

The server is ``python -m llama_cpp.server`` serving the bundled Gemma 3 270M
GGUF; the client is the real ``openai`` package through llama-index's
OpenAILike. Nothing is mocked.
"""
from __future__ import annotations

import json

import pytest

from assistant.errors import LLMUnavailableError
from assistant.prompts import REFUSAL

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)]

A000 = "000_d30eed791859901c.txt"
A004 = "004_bf494e688fbae5b2.txt"


def check_citations(ans, corpus) -> None:
    assert ans.citations
    for c in ans.citations:
        lines = (corpus / c.source).read_text(encoding="utf-8").split("\n")
        assert c.quote in "\n".join(lines[c.start_line - 1 : c.end_line]), c
        assert f"[{c.n}]" in ans.text


@pytest.fixture(scope="module")
def remote(ingested, llama_server):
    # A generous budget: the test checks what the server says, not how fast a busy machine is.
    return ingested.assistant(backend="openai", openai_base_url=llama_server, openai_model="gemma-3-270m", llm_timeout=600)


@pytest.mark.parametrize("question,fact,source", [
    ("What year was Xiaomi founded?", "2010", A000),
    ("What is the starting price of the Xiaomi SU7?", "215,900", A004),
])
def test_openai_backend_answers_through_the_server(remote, ingested, question, fact, source):
    stream = remote.stream(question)
    deltas = list(stream)
    ans = stream.answer
    assert remote.generator.name == "openai"
    print(f"\n[openai] {question!r} -> {ans.backend}: {ans.text!r} notes={ans.notes}")
    # The server really generated: its first token was timed and text streamed.
    assert "first_token" in ans.timings and len(deltas) > 1
    assert not any("unreachable" in n or "did not answer" in n for n in ans.notes), ans.notes
    assert not ans.refused, ans.notes
    # Either the model's draft passed the check against the passages and is
    # kept, or it failed and the extractive answer replaces it, marked so.
    assert ans.backend in ("openai", "extractive-fallback")
    if ans.backend == "openai":
        # What stands is the model's, checked sentence by sentence; the notes only say what was taken out.
        assert all(n.startswith(("citation re-pointed", "1 sentence removed")) or " sentences removed" in n for n in ans.notes), ans.notes
        assert ans.claims and any(c.verdict in ("kept", "repointed") for c in ans.claims)
    else:
        assert any("openai model's draft failed the check" in n for n in ans.notes), ans.notes
        assert fact in ans.text
    check_citations(ans, ingested.corpus)
    assert any(c.source == source for c in ans.citations)


def test_openai_backend_unchecked_draft_keeps_the_servers_text_and_cites(remote, ingested):
    """With the check off, the server's own words are the answer, with checked [n] citations."""
    raw = remote.with_settings(answer_check=False)
    ans = raw.ask("What year was Xiaomi founded?")
    assert ans.backend == "openai" and not ans.notes
    assert "first_token" in ans.timings and ans.tokens_out > 0
    check_citations(ans, ingested.corpus)
    assert all(1 <= c.n <= len(ans.citations) for c in ans.citations)


def test_openai_backend_refuses_what_the_documents_are_not_about_without_calling_the_model(remote):
    ans = remote.ask("How do I bake sourdough bread?")
    assert ans.refused and ans.citations == [] and ans.text == REFUSAL and ans.backend == "gate"
    assert "first_token" not in ans.timings


def test_openai_backend_lets_the_model_decide_a_near_topic_question(remote):
    """The floor leaves near-topic questions to the model; whatever it says is checked or recognised as a refusal."""
    ans = remote.ask("How much horsepower does the SU7's motor produce?")
    assert "first_token" in ans.timings
    assert ans.refused or ans.backend in ("openai", "extractive-fallback")
    if ans.refused:
        assert ans.citations == [] and ans.text == REFUSAL


# -- the server is down ---------------------------------------------------------------
def test_server_down_falls_back_to_a_marked_extractive_answer(ingested, closed_url):
    bot = ingested.assistant(backend="openai", openai_base_url=f"{closed_url}/v1", llm_timeout=10, llm_retries=1)
    ans = bot.ask("What year was Xiaomi founded?")
    assert ans.backend == "extractive-fallback"
    assert any("unreachable" in n and closed_url in n for n in ans.notes), ans.notes
    assert "2010" in ans.text
    check_citations(ans, ingested.corpus)


def test_server_down_without_answer_check_raises_a_named_error(ingested, closed_url):
    bot = ingested.assistant(backend="openai", openai_base_url=f"{closed_url}/v1", llm_timeout=10, llm_retries=0, answer_check=False)
    with pytest.raises(LLMUnavailableError) as err:
        bot.ask("What year was Xiaomi founded?")
    msg = err.value.user_message()
    assert closed_url in msg and "unreachable" in msg and "Fix:" in msg
    assert "\n" not in msg


def test_cli_with_server_down_still_answers_and_says_why(ingested, closed_url):
    env = ingested.env(ASSISTANT_OPENAI_BASE_URL=f"{closed_url}/v1", ASSISTANT_LLM_TIMEOUT="10")
    r = ingested.cli("ask", "What year was Xiaomi founded?", "--backend", "openai", "--json", env=env)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["backend"] == "extractive-fallback" and "2010" in obj["answer"] and obj["citations"]
    assert any("unreachable" in n for n in obj["notes"])
