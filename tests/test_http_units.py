"""The HTTP API's pure parts: messages to a question, the footer, the bind rule, the key setting."""
from __future__ import annotations

import pytest

from assistant.errors import SettingsError
from assistant.http.auth import check_exposure, is_loopback
from assistant.http.errors import ApiError
from assistant.http.replies import CHECKED_LABEL, correction, footer, offered_models
from assistant.http.schemas import Message, question_and_history, strip_footer
from assistant.settings import Settings
from assistant.types import Answer, Citation

CITED = Answer(text="Xiaomi was founded in 2010. [1] It makes phones. [2]", citations=[
    Citation(1, "a.txt", 12, 12, "Xiaomi was founded in 2010.", 0.7),
    Citation(2, "sub/b.md", 3, 5, "It makes phones.", 0.5),
])


def msgs(*pairs):
    return [Message(role=r, content=c) for r, c in pairs]


def test_the_last_user_message_is_the_question_and_the_rest_is_history():
    q, h = question_and_history(msgs(
        ("system", "Be terse."),
        ("user", "What is Xiaomi's first car?"),
        ("assistant", "The SU7. [1]" + footer(CITED)),
        ("user", [{"type": "text", "text": "How much"}, {"type": "image_url", "image_url": {}}, {"type": "text", "text": "does it cost?"}]),
        ("assistant", "(a prefill after the question is ignored)"),
    ))
    assert q == "How much\ndoes it cost?"
    assert h == [{"role": "user", "content": "What is Xiaomi's first car?"}, {"role": "assistant", "content": "The SU7. [1]"}]


@pytest.mark.parametrize("messages,code", [
    ([("system", "hi")], "invalid_request"),
    ([("user", "fine"), ("user", " \n ")], "empty_question"),
    ([("user", None)], "empty_question"),
])
def test_no_question_is_a_400(messages, code):
    with pytest.raises(ApiError) as e:
        question_and_history(msgs(*messages))
    assert e.value.status == 400 and e.value.code == code


def test_footer_names_file_and_lines_and_strips_off_again():
    f = footer(CITED)
    assert f == "\n\nSources:\n[1] a.txt, line 12\n[2] sub/b.md, lines 3-5"
    assert strip_footer(CITED.text + f) == CITED.text
    refusal = Answer(text="I couldn't find this in the documents.", refused=True)
    assert footer(refusal) == ""
    refusal.closest = [Citation(1, "c.txt", 4, 4, "Near, not an answer.", 0.3)]
    assert footer(refusal) == "\n\nClosest passages, not an answer:\n- c.txt, line 4"
    assert strip_footer(refusal.text + footer(refusal)) == refusal.text
    assert strip_footer("Sources: are named in the text.") == "Sources: are named in the text."


def test_a_checked_answer_that_differs_from_the_stream_follows_it_labelled():
    assert correction("Xiaomi was founded in 2010. [1] It makes  phones. [2] ", CITED) == ""
    assert correction("draft text [3]\n\n" + CITED.text + " ", CITED) == ""  # a fallback streams its own text last
    assert correction("Xiaomi was founded in 2010. [3]", CITED) == f"\n\n{CHECKED_LABEL}{CITED.text}"


def test_models_are_the_backends_with_the_configured_one_first():
    assert offered_models(Settings()) == ["extractive", "local"]  # no OpenAI server configured
    assert offered_models(Settings().replace(backend="local", openai_base_url="http://127.0.0.1:1/v1")) == ["local", "openai", "extractive"]
    assert offered_models(Settings().replace(openai_api_key="sk-x")) == ["extractive", "local", "openai"]


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
                                       ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.com", False), ("", False)])
def test_loopback_hosts(host, loop):
    assert is_loopback(host) is loop


def test_serving_beyond_loopback_needs_auth_and_api_key():
    s = Settings().replace(host="0.0.0.0")
    with pytest.raises(SettingsError) as e:
        check_exposure(s, ui=True)
    assert "auth and api_key" in e.value.message and "ASSISTANT_AUTH" in e.value.fix and "ASSISTANT_API_KEY" in e.value.fix
    with pytest.raises(SettingsError, match="needs api_key set"):
        check_exposure(s.replace(auth="me:pw-123456"), ui=True)
    with pytest.raises(SettingsError) as e:
        check_exposure(s.replace(api_key="k-123456"), ui=True)
    assert "needs auth set" in e.value.message and "k-123456" not in e.value.user_message()
    check_exposure(s.replace(auth="me:pw-123456", api_key="k-123456"), ui=True)
    check_exposure(s.replace(api_key="k-123456"), ui=False)  # the API alone has no UI password to set
    check_exposure(Settings(), ui=True)  # loopback: nothing needed


def test_api_key_comes_from_the_environment_and_stays_secret():
    s = Settings.load(file=None, env={"ASSISTANT_API_KEY": "k-5e3b9a1c"})
    assert s.api_key == "k-5e3b9a1c"
    assert "k-5e3b9a1c" not in repr(s) and s.redacted()["api_key"] == "***"


@pytest.mark.parametrize("cmd,named,unnamed", [("api", "api_key", "auth"), ("serve", "auth and api_key", None)])
def test_cli_refuses_to_bind_beyond_loopback_unprotected(bare_cli, cmd, named, unnamed):
    # 192.0.2.1 (TEST-NET-1) is never this machine's: even a broken check could not bind there.
    out = bare_cli(cmd, "--host", "192.0.2.1", "--port", "9")
    assert out.returncode == 2 and f"needs {named} set" in out.stderr
    if unnamed:
        assert f"{unnamed} and" not in out.stderr and f"and {unnamed}" not in out.stderr


def test_a_failure_mid_stream_is_an_error_event_then_done():
    import json

    from assistant.errors import StoreUnavailableError
    from assistant.http.chat import _events
    from assistant.http.replies import ChunkWriter

    def run():
        yield "more text"
        raise StoreUnavailableError("The vector store failed.")

    events = list(_events(run(), "First ", ChunkWriter("extractive"), True, False))
    bodies = [e.removeprefix("data: ").strip() for e in events]
    assert json.loads(bodies[0])["choices"][0]["delta"] == {"role": "assistant", "content": "First "}
    assert json.loads(bodies[1])["choices"][0]["delta"] == {"content": "more text"}
    assert json.loads(bodies[2])["error"]["code"] == "store_unavailable" and bodies[3] == "[DONE]"


def test_a_finished_stream_ends_with_footer_extension_usage_and_done():
    import json

    from assistant.http.chat import _events
    from assistant.http.replies import ChunkWriter

    def run():
        yield "It makes  phones. [2] "
        return CITED

    events = [e.removeprefix("data: ").strip() for e in _events(run(), "Xiaomi was founded in 2010. [1] ", ChunkWriter("m"), True, True)]
    last, usage = json.loads(events[-3]), json.loads(events[-2])
    assert last["choices"][0]["finish_reason"] == "stop" and last["choices"][0]["delta"]["content"] == footer(CITED)
    assert last["choices"][0]["delta"]["doc_assistant"] == CITED.to_dict()
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == CITED.tokens_out and events[-1] == "[DONE]"
