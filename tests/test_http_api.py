"""The HTTP API through the official `openai` client, against `python app.py` on loopback.

`python app.py` is what `make run` starts: the chat UI and the API from one
process. It runs on a private copy of corpus/ with the real embedder and the
extractive backend; its `openai` backend points at a port nobody listens on,
which is the "backend is down" case. Tests share the server and run in order.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import openai
import pytest
from conftest import ROOT, free_port, stop, wait_http
from test_hardening_content import TRAVERSAL_NAMES  # the names the UI's upload check is tested with

pytestmark = pytest.mark.slow

KEY = "test-key-9f1c2e7a5b"  # long and odd enough to spot in a log
FOUNDED = "000_d30eed791859901c.txt"
SU7 = "004_bf494e688fbae5b2.txt"
NOTE = "The Lunar Garden project in Oslo was started in 2019 by the botanist Ingrid Solberg.\n"


@pytest.fixture(scope="module")
def server(make_workspace):
    ws = make_workspace("persistent", "http-api")
    port = free_port()
    env = ws.env(ASSISTANT_API_KEY=KEY, ASSISTANT_PORT=str(port), ASSISTANT_LLM_RETRIES="0",
                 ASSISTANT_OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",  # nobody listens: the LLM is down
                 ASSISTANT_MAX_FILE_MB="0.05", GRADIO_ANALYTICS_ENABLED="False",
                 ASSISTANT_MAX_NEW_TOKENS="40", ASSISTANT_LLM_TIMEOUT="600")  # the local model: short answers, never a timeout
    log = ws.root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ws.root, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/", proc, timeout=300, log=log)
        yield url, ws, log
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def client(server):
    return openai.OpenAI(base_url=server[0] + "/v1", api_key=KEY, max_retries=0, timeout=300)


def ask(client, *messages, model="extractive", **kw):
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": m} for i, m in enumerate(messages)]
    return client.chat.completions.create(model=model, messages=msgs, **kw)


def ext(message) -> dict:
    return message.model_extra["doc_assistant"]


def assert_footer_lists(content: str, citations: list[dict]) -> None:
    """The "Sources:" footer ends ``content`` with one "[n] file, line(s)" line per citation."""
    lines = content.rstrip().split("\n\nSources:\n")[-1].splitlines()
    assert len(lines) == len(citations), content
    for ln, c in zip(lines, citations):
        assert ln.startswith(f"[{c['n']}] {c['source']}, line") and str(c["start_line"]) in ln, (ln, c)


def test_one_process_serves_the_ui_and_the_models(server, client):
    assert "gradio" in httpx.get(server[0] + "/").text.lower()
    assert [m.id for m in client.models.list()] == ["extractive", "local", "openai"]


def test_plain_completion_carries_markers_footer_and_citations(client):
    msg = ask(client, "When was Xiaomi founded?").choices[0].message
    x = ext(msg)
    assert "2010" in msg.content and "[1]" in msg.content
    assert msg.content.startswith(x["answer"] + "\n\nSources:\n")
    assert_footer_lists(msg.content, x["citations"])
    c = x["citations"][0]
    assert c["n"] == 1 and c["source"] == FOUNDED and "2010" in c["quote"] and 0 < c["score"] <= 1
    assert x["refused"] is False and x["backend"] == "extractive" and x["notes"] == []


def test_footer_can_be_turned_off(client):
    msg = ask(client, "When was Xiaomi founded?", extra_body={"sources_footer": False}).choices[0].message
    assert msg.content == ext(msg)["answer"] and "Sources:" not in msg.content


def test_streaming_sends_the_citations_in_the_last_chunk(client):
    chunks = list(ask(client, "What is the starting price of the Xiaomi SU7?", stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert all("doc_assistant" not in (c.choices[0].delta.model_extra or {}) for c in chunks[:-1])
    last = chunks[-1].choices[0]
    x = last.delta.model_extra["doc_assistant"]
    assert last.finish_reason == "stop" and x["citations"][0]["source"] == SU7
    assert "215,900" in text
    assert_footer_lists(text, x["citations"])
    plain = ask(client, "What is the starting price of the Xiaomi SU7?").choices[0].message.content
    assert text.split() == plain.split()


def test_raw_stream_ends_with_the_extension_then_done(server):
    body = {"model": "extractive", "stream": True, "messages": [{"role": "user", "content": "When was Xiaomi founded?"}]}
    r = httpx.post(server[0] + "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {KEY}"}, timeout=300)
    events = [ln[len("data: "):] for ln in r.text.splitlines() if ln.startswith("data: ")]
    assert r.headers["content-type"].startswith("text/event-stream") and events[-1] == "[DONE]"
    assert json.loads(events[-2])["choices"][0]["delta"]["doc_assistant"]["citations"][0]["source"] == FOUNDED


def test_follow_up_uses_the_history(client):
    # The gold set's multi-turn item turn-01: "it" is only known from the history.
    follow = ask(client, "What is Xiaomi's first electric car called?", "Xiaomi's first EV is the SU7, an electric sedan.",
                 "How much does it cost?").choices[0].message
    assert "215,900" in follow.content and SU7 in [c["source"] for c in ext(follow)["citations"]]
    alone = ext(ask(client, "How much does it cost?").choices[0].message)
    assert alone["refused"] or "215,900" not in alone["answer"]


def test_refusal_has_no_sources_and_says_so(client):
    msg = ask(client, "Who won the 1998 FIFA World Cup?").choices[0].message
    x = ext(msg)
    assert x["refused"] is True and x["citations"] == [] and isinstance(x["closest"], list)
    assert msg.content.startswith(x["answer"]) and "Sources:" not in msg.content and "couldn't find" in msg.content
    for c in x["closest"]:  # listed, unnumbered, under a title that says they are not an answer
        assert f"- {c['source']}, " in msg.content.split("Closest passages, not an answer:\n")[1]


def test_backend_down_answers_with_the_marked_fallback(client):
    msg = ask(client, "When was Xiaomi founded?", model="openai").choices[0].message
    x = ext(msg)
    assert x["backend"] == "extractive-fallback" and "unreachable" in " ".join(x["notes"])
    assert "2010" in msg.content and x["citations"][0]["source"] == FOUNDED


def test_wrong_or_missing_key_is_401_and_never_echoed(server):
    bad = openai.OpenAI(base_url=server[0] + "/v1", api_key="wrong-key-7d1e0c", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        bad.models.list()
    assert e.value.status_code == 401 and e.value.code == "invalid_api_key"
    for headers in ({"Authorization": "Bearer wrong-key-7d1e0c"}, {}, {"Authorization": KEY}):  # no "Bearer ": refused too
        r = httpx.get(server[0] + "/v1/files", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
        assert "wrong-key" not in r.text and KEY not in r.text


def test_unknown_model_is_404(client):
    with pytest.raises(openai.NotFoundError) as e:
        ask(client, "When was Xiaomi founded?", model="gpt-4o")
    assert e.value.code == "model_not_found" and "extractive" in e.value.message


def test_bad_requests_are_400_in_the_openai_shape(server, client):
    with pytest.raises(openai.BadRequestError) as e:
        ask(client, "   ")
    assert e.value.code == "empty_question"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="extractive", messages=[{"role": "system", "content": "hi"}])
    assert e.value.code == "invalid_request"
    r = httpx.post(server[0] + "/v1/chat/completions", content=b"{not json", headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 400 and set(r.json()["error"]) >= {"message", "type", "code"}


def test_upload_list_ask_delete_and_reindex(server, client):
    url, ws, _ = server
    up = client.files.create(file=("lunar_garden.txt", NOTE.encode()), purpose="assistants")
    assert up.id == "lunar_garden.txt" and up.model_extra["chunks"] == 1 and (ws.corpus / "lunar_garden.txt").is_file()
    listed = [f.id for f in client.files.list()]
    assert "lunar_garden.txt" in listed and [f.id for f in client.files.list(limit=2)] == listed  # pages follow `after`
    msg = ask(client, "Who started the Lunar Garden project?").choices[0].message
    assert "Solberg" in msg.content and ext(msg)["citations"][0]["source"] == "lunar_garden.txt"
    gone = client.files.delete("lunar_garden.txt")
    assert gone.deleted and (ws.corpus / ".removed" / "lunar_garden.txt").is_file()
    assert "lunar_garden.txt" not in [f.id for f in client.files.list()]
    r = httpx.post(url + "/v1/reindex", headers={"Authorization": f"Bearer {KEY}"}, timeout=300)
    assert r.status_code == 200 and r.json()["summary"].startswith("0 added, 0 changed, 5 unchanged")


def test_too_large_upload_is_413_and_nothing_is_written(server, client):
    before = sorted(p.name for p in server[1].corpus.iterdir())
    for size in (60_000, 300_000):  # over the 50 kB limit; the second is refused before its body is read
        with pytest.raises(openai.APIStatusError) as e:
            client.files.create(file=("big.txt", b"w" * size), purpose="assistants")
        assert e.value.status_code == 413 and e.value.code == "file_too_large"
    assert sorted(p.name for p in server[1].corpus.iterdir()) == before


@pytest.mark.parametrize("name,want", TRAVERSAL_NAMES, ids=[repr(n) for n, _ in TRAVERSAL_NAMES])
def test_upload_names_never_escape_the_corpus(server, name, want):
    url, ws, _ = server
    corpus_before = sorted(p.name for p in ws.corpus.iterdir())
    around_before = sorted(p.name for p in ws.root.iterdir())
    r = httpx.post(url + "/v1/files", files={"file": (name, b"The Quarry hall seats 300 people.\n")},
                   headers={"Authorization": f"Bearer {KEY}"}, timeout=300)
    assert sorted(p.name for p in ws.root.iterdir()) == around_before  # nothing lands beside the corpus
    if want is None:
        assert r.status_code == 400 and r.json()["error"]["code"] in ("upload_rejected", "invalid_request")
        assert sorted(p.name for p in ws.corpus.iterdir()) == corpus_before
        return
    saved = r.json()["id"]
    assert r.status_code == 200 and "/" not in saved and "\\" not in saved and (ws.corpus / saved).is_file()
    if name.isprintable():  # HTTP clients percent-encode control characters in a file name
        assert saved == want
    httpx.delete(f"{url}/v1/files/{saved}", headers={"Authorization": f"Bearer {KEY}"}, timeout=300).raise_for_status()


@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..%2Fserver.log", "missing.txt"])
def test_delete_never_reaches_outside_the_corpus(server, name):
    url, ws, log = server
    r = httpx.delete(f"{url}/v1/files/{name}", headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "file_not_found"
    assert Path(log).is_file() and Path("/etc/passwd").is_file()


def test_concurrent_streams_get_their_own_answers(client):
    cases = [("When was Xiaomi founded?", "2010", FOUNDED),
             ("How many vehicles did Xiaomi sell in the first 36 hours after its EV launch?", "120,000", FOUNDED),
             ("What is the starting price of the Xiaomi SU7?", "215,900", SU7),
             ("How many premium users does Xiaomi aim to attract with its EV business?", "20 million", "002_1d73cbb23efaf534.txt"),
             ("On what date did Lei Jun confirm that Xiaomi would explore ramping up its EV production capacity?", "February 7", "003_9de4892e83e3c109.txt"),
             ("When is the Xiaomi YU7 going to launch?", "June", SU7),
             ("In which city did Xiaomi hold the event where it officially unveiled the SU7?", "Beijing", "003_9de4892e83e3c109.txt"),
             ("What delivery goal did Xiaomi set for the SU7 for 2024?", "130,000", SU7)]
    results: dict[int, tuple] = {}
    barrier = threading.Barrier(len(cases))

    def one(i, question):
        barrier.wait()
        try:
            chunks = list(ask(client, question, stream=True))
            results[i] = ("".join(c.choices[0].delta.content or "" for c in chunks), chunks[-1].choices[0].delta.model_extra["doc_assistant"])
        except Exception as e:  # noqa: BLE001 - recorded, then asserted below
            results[i] = (f"{type(e).__name__}: {e}", None)

    threads = [threading.Thread(target=one, args=(i, q)) for i, (q, _, _) in enumerate(cases)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for i, (question, fact, source) in enumerate(cases):
        text, x = results[i]
        assert x is not None, f"{question}: {text}"
        assert fact in x["answer"] and fact in text and x["citations"][0]["source"] == source, (question, text)


def test_two_streams_on_the_in_process_model_at_once(client):
    # llama.cpp must never run two steps at once: the API takes the UI's answer lock per step.
    questions = ["When was Xiaomi founded?", "What is the starting price of the Xiaomi SU7?"]
    results: dict[int, list] = {}

    def one(i):
        try:
            results[i] = list(ask(client, questions[i], model="local", stream=True))
        except Exception as e:  # noqa: BLE001 - asserted below
            results[i] = [e]

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    for i in range(2):
        chunks = results[i]
        assert not isinstance(chunks[-1], Exception), chunks[-1]
        x = chunks[-1].choices[0].delta.model_extra["doc_assistant"]
        assert x["backend"] in ("local", "extractive-fallback") and x["answer"], x
        assert "".join(c.choices[0].delta.content or "" for c in chunks).strip()


def test_the_key_appears_in_no_log(server):
    assert KEY not in Path(server[2]).read_text(errors="replace")
