"""Faults during operation: killed ingests, a misbehaving LLM server, a
restarted Chroma server and a full disk. Every fault is real: real processes
get SIGKILL, a real HTTP server on 127.0.0.1 misbehaves on purpose, a real
``chroma run`` is killed and restarted, a real tmpfs fills up.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.chunking import chunk_lines
from assistant.errors import IndexWriteError, LLMTimeoutError, LLMUnavailableError, StoreUnavailableError
from assistant.loaders import discover, load
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOOD = {
    "alpha.txt": "The Lumen observatory was built in 1931 on Mount Halvar.\nIts main telescope has a 2.4 metre mirror.\n",
    "beta.md": "# Harbour\n\nThe Kestrel ferry crosses the bay every 40 minutes.\nTickets cost 3 euros for adults.\n",
}
QUESTION = "When was the Lumen observatory built?"


def write(corpus: Path, files: dict[str, str]) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (corpus / name).write_text(body)


def child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False"}


def release_chroma() -> None:
    """Stop this process's embedded Chroma systems, so another process owns the folder."""
    from chromadb.api.shared_system_client import SharedSystemClient

    for system in list(SharedSystemClient._identifier_to_system.values()):
        try:
            system.stop()
        except Exception:
            pass
    SharedSystemClient.clear_system_cache()


# -- ingest killed at random points ------------------------------------------------

# Vectors do not matter for crash safety, and loading a real model in every
# killed child would cost most of the time budget: the child hashes text.
HASH_EMBEDDER = textwrap.dedent("""
    import hashlib

    class HashEmbedder:
        def _v(self, text):
            h = hashlib.sha256(text.encode()).digest()
            v = [((h[i % 32] ^ (i * 37)) % 255) / 255.0 - 0.5 for i in range(384)]
            n = sum(x * x for x in v) ** 0.5
            return [x / n for x in v]

        def get_text_embedding_batch(self, texts, **kw):
            return [self._v(t) for t in texts]

        def get_text_embedding(self, text):
            return self._v(text)

        get_query_embedding = get_text_embedding
""")
exec(HASH_EMBEDDER)  # defines HashEmbedder here too, for the restarts

_KILLED_CHILD = HASH_EMBEDDER + textwrap.dedent("""
    import sys
    from pathlib import Path
    import assistant.ingest as ingest_module
    from assistant.api import Assistant
    from assistant.settings import Settings

    ingest_module._FLUSH_AT = 8  # many small write+delete rounds: many places to die in
    tmp = Path(sys.argv[1])
    bot = Assistant(Settings().replace(corpus_dir=tmp / "corpus", index_dir=tmp / "index"), embedder=HashEmbedder())
    bot.store.count()
    print("READY", flush=True)
    bot.ingest(progress=lambda done, total, source: print("P", done, flush=True))
    print("DONE", flush=True)
""")
WORDS = "alpha beta gamma delta river stone cloud north south market engine paper glass orbit signal harbour".split()


def random_doc(rng: random.Random) -> str:
    return "\n".join(" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(rng.randint(3, 40))) + "\n"


def mutate(corpus: Path, rng: random.Random) -> None:
    """Change, add and delete a few files, so the next ingest writes and deletes."""
    files = sorted(corpus.iterdir())
    for p in rng.sample(files, k=min(len(files), rng.randint(2, 5))):
        p.write_text(random_doc(rng))
    for _ in range(rng.randint(0, 2)):
        (corpus / f"n{rng.randrange(10**6):06d}.txt").write_text(random_doc(rng))
    if len(files) > 10 and rng.random() < 0.6:
        rng.choice(files).unlink()


def expected_chunk_ids(s: Settings) -> set[str]:
    ids = set()
    for path, source in discover(s.corpus_dir):
        lf = load(path, source, 10**9)
        ids |= {c.id for c in chunk_lines(lf.lines, source, lf.file_hash, s.chunk_tokens, s.chunk_overlap)}
    return ids


def assert_exact_index(bot: Assistant) -> None:
    want = expected_chunk_ids(bot.settings)
    stored = [c.id for c in bot.store.all_chunks()]
    assert len(stored) == len(set(stored)) == bot.store.count()
    assert set(stored) == want, f"orphans: {sorted(set(stored) - want)[:5]}, missing: {sorted(want - set(stored))[:5]}"
    # The vector index agrees with the metadata: every stored vector is a wanted chunk.
    hits = bot.store.query(HashEmbedder().get_text_embedding("river stone"), len(want))
    assert {c.id for c, _ in hits} == want


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sigkill_at_random_points_never_loses_or_duplicates(tmp_path):
    rng = random.Random(int(os.environ.get("HARDENING_SEED", "20240611")))
    rounds = int(os.environ.get("HARDENING_KILL_ROUNDS", "22"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(24):
        (corpus / f"f{i:02d}.txt").write_text(random_doc(rng))
    s = Settings().replace(corpus_dir=corpus, index_dir=tmp_path / "index")
    mid_ingest = 0
    for r in range(rounds):
        if r:
            mutate(corpus, rng)
        child = subprocess.Popen([sys.executable, "-c", _KILLED_CHILD, str(tmp_path)], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=child_env(), cwd=tmp_path)
        try:
            assert child.stdout.readline().strip() == "READY"
            n_files = len(list(corpus.iterdir()))
            wait_for = rng.randint(0, n_files)  # die after this many files were started...
            line = ""
            for _ in range(wait_for):
                line = child.stdout.readline()
                if not line.startswith("P"):
                    break
            time.sleep(rng.uniform(0, 0.08))  # ...plus a little: inside an embed, upsert or delete
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
            rest = child.stdout.read()
        mid_ingest += "DONE" not in line + rest
        bot = Assistant(s, embedder=HashEmbedder())  # the restart
        rep = bot.ingest()
        assert not rep.skipped
        assert_exact_index(bot)
        assert bot.ingest().count("unchanged") == len(list(corpus.iterdir()))  # settled: nothing left to do
        release_chroma()
    print(f"{rounds} SIGKILLs, {mid_ingest} during ingest")
    assert mid_ingest >= rounds // 2  # most kills must land mid-ingest to prove anything


# -- a misbehaving OpenAI-compatible server -----------------------------------------

ANSWER_OK = "The Lumen observatory was built in 1931 [1]."


def _sse(words: list[str]) -> bytes:
    events = [
        "data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                               "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]}) + "\n\n"
        for w in words
    ]
    return ("".join(events) + "data: [DONE]\n\n").encode()


class BadLLMServer(ThreadingHTTPServer):
    """An OpenAI-compatible /chat/completions that fails on purpose.

    ``modes`` is consumed one per request; the last one repeats. Modes:
    ok, 500, 429, hang, trickle, cut (one token, then the connection drops),
    badsse (malformed JSON event), badjson (200 with a non-JSON body), 401
    (echoes the Authorization header back, as a careless server might).
    """

    daemon_threads = True

    def __init__(self, modes: list[str]):
        self.modes = list(modes)
        self.hits: list[tuple[str, float]] = []
        self.stop = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/v1"

    def next_mode(self) -> str:
        return self.modes.pop(0) if len(self.modes) > 1 else self.modes[0]

    def close(self) -> None:
        self.stop.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        srv: BadLLMServer = self.server  # type: ignore[assignment]
        mode = srv.next_mode()
        srv.hits.append((mode, time.monotonic()))
        if mode == "ok":
            self._send(200, _sse(ANSWER_OK.split(" ")[:-1] and [w + " " for w in ANSWER_OK.split(" ")]), "text/event-stream")
        elif mode in ("500", "429"):
            self._send(int(mode), b'{"error": {"message": "overloaded"}}')
        elif mode == "401":
            msg = "Incorrect API key provided: " + self.headers.get("authorization", "")
            self._send(401, json.dumps({"error": {"message": msg, "type": "invalid_request_error"}}).encode())
        elif mode == "badjson":
            self._send(200, b'{"choices": [ this is not json')
        elif mode == "badsse":
            self._send(200, b'data: {"choices": [ broken\n\n', "text/event-stream")
        elif mode == "hang":
            srv.stop.wait(120)
        elif mode in ("trickle", "cut"):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            event = _sse(["The "])[: -len(b"data: [DONE]\n\n")]
            for _ in range(1 if mode == "cut" else 400):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
                if srv.stop.wait(0.25):
                    break
            self.close_connection = True  # "cut": the body ends without its last chunk: a dropped connection


@pytest.fixture(scope="module")
def indexed_store(tmp_path_factory, cached_embedder):
    tmp = tmp_path_factory.mktemp("llm")
    write(tmp / "corpus", GOOD)
    bot = Assistant(Settings().replace(corpus_dir=tmp / "corpus", index_dir=tmp / "index"), embedder=cached_embedder)
    bot.ingest()
    return bot


def llm_bot(base: Assistant, url: str, **kw) -> Assistant:
    s = base.settings.replace(backend="openai", openai_base_url=url, openai_model="m", **{"llm_timeout": 6.0, "llm_retries": 2, **kw})
    return Assistant(s, embedder=base.embedder, store=base.store)


@pytest.fixture
def server(request):
    srv = BadLLMServer(request.param)
    yield srv
    srv.close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens here now


FALLBACK_CASES = [
    # modes, expected hits, words in the note
    (["500"], 3, "answered HTTP 500 (after 3 attempts)"),
    (["429"], 3, "answered HTTP 429 (after 3 attempts)"),
    (["badsse"], 3, "malformed reply (after 3 attempts)"),
    (["badjson"], 3, "empty reply (after 3 attempts)"),
    (["hang"], 1, "did not answer within 6s"),  # a timeout is never retried: it would only hang again
    (["trickle"], 1, "did not finish within 6s"),  # tokens keep coming, but the whole answer is bounded
    (["cut"], 1, "dropped the connection mid-reply"),  # text was already streamed: not safe to retry
]


@pytest.mark.timeout(90)
@pytest.mark.parametrize("server,hits,note", FALLBACK_CASES, indirect=["server"], ids=[c[0][0] for c in FALLBACK_CASES])
def test_llm_failure_falls_back_to_marked_extractive_answer(indexed_store, server, hits, note):
    bot = llm_bot(indexed_store, server.url)
    t0 = time.monotonic()
    ans = bot.ask(QUESTION)
    elapsed = time.monotonic() - t0
    assert ans.backend == "extractive-fallback"
    assert any(note in n and "Showing the extractive answer instead" in n for n in ans.notes), ans.notes
    assert not ans.refused and ans.citations and ans.citations[0].source == "alpha.txt"
    assert "1931" in ans.text
    assert len(server.hits) == hits, server.hits
    assert elapsed < 60  # never hung on a server that would hold the request for 120 s


@pytest.mark.timeout(60)
def test_llm_server_down(indexed_store):
    ans = llm_bot(indexed_store, closed_port_url()).ask(QUESTION)
    assert ans.backend == "extractive-fallback" and "1931" in ans.text
    assert any("is unreachable (after 3 attempts)" in n for n in ans.notes), ans.notes


@pytest.mark.timeout(60)
@pytest.mark.parametrize("server", [["500", "500", "ok"]], indirect=True)
def test_retry_with_backoff_then_success(indexed_store, server):
    ans = llm_bot(indexed_store, server.url, llm_timeout=30.0).ask(QUESTION)
    assert ans.backend == "openai" and not ans.notes, ans.notes
    assert "1931" in ans.text and ans.citations[0].source == "alpha.txt"
    (_, t1), (_, t2), (_, t3) = server.hits
    assert t2 - t1 >= 0.25 and t3 - t2 >= 0.5  # exponential backoff (0.5 s base, jitter 50-100%)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("server", [["500"]], indirect=True)
def test_retries_stay_inside_the_timeout(indexed_store, server):
    """With a budget too small for the backoff, the request is given up, not stretched."""
    ans = llm_bot(indexed_store, server.url, llm_timeout=0.3, llm_retries=5).ask(QUESTION)
    assert ans.backend == "extractive-fallback"
    assert len(server.hits) <= 2


@pytest.mark.timeout(60)
@pytest.mark.parametrize("server", [["hang"]], indirect=True)
def test_without_fallback_a_clear_error_is_raised(indexed_store, server):
    bot = llm_bot(indexed_store, server.url, answer_check=False)
    with pytest.raises(LLMTimeoutError) as exc:
        bot.ask(QUESTION)
    msg = exc.value.user_message()
    assert "did not answer within 6s" in msg and "Fix:" in msg and "ASSISTANT_LLM_TIMEOUT" in msg


@pytest.mark.timeout(60)
@pytest.mark.parametrize("server", [["cut"]], indirect=True)
def test_streaming_answer_survives_a_dropped_connection(indexed_store, server):
    stream = llm_bot(indexed_store, server.url).stream(QUESTION)
    deltas = list(stream)
    assert deltas[0] == "The "  # the reader saw the streamed text...
    ans = stream.answer  # ...and the final answer says what happened
    assert ans.backend == "extractive-fallback" and "1931" in ans.text and ans.notes


@pytest.mark.timeout(60)
@pytest.mark.parametrize("server", [["401"]], indirect=True)
def test_api_key_never_leaks_from_an_auth_failure(indexed_store, server, caplog):
    import logging

    key = "sk-test-DO-NOT-LEAK-1234567890"
    caplog.set_level(logging.DEBUG)
    bot = llm_bot(indexed_store, server.url, openai_api_key=key)
    ans = bot.ask(QUESTION)
    assert ans.backend == "extractive-fallback" and len(server.hits) == 1  # a bad key is not retried
    assert any("rejected the API key" in n for n in ans.notes)
    with pytest.raises(LLMUnavailableError) as exc:
        llm_bot(indexed_store, server.url, openai_api_key=key, answer_check=False).ask(QUESTION)
    seen = [json.dumps(ans.to_dict()), exc.value.user_message(), str(exc.value), repr(exc.value), caplog.text,
            repr(bot.settings), str(bot.settings.redacted())]
    for text in seen:
        assert key not in text and key[-10:] not in text


@pytest.mark.timeout(60)
def test_unreachable_message_hides_url_credentials_and_key(indexed_store):
    key = "sk-test-ANOTHER-SECRET-987654"
    url = closed_port_url().replace("http://", "http://admin:hunter2pass@")
    with pytest.raises(LLMUnavailableError) as exc:
        llm_bot(indexed_store, url, openai_api_key=key, answer_check=False, llm_retries=0).ask(QUESTION)
    msg = exc.value.user_message()
    assert "is unreachable" in msg and "hunter2pass" not in msg and key not in msg


# -- Chroma server restarted mid-session --------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_chroma(path: Path, port: int, log: Path) -> subprocess.Popen:
    """``chroma run`` on 127.0.0.1:port, returned once its heartbeat answers."""
    import urllib.request

    exe = shutil.which("chroma", path=str(BIN)) or shutil.which("chroma")
    if not exe:
        pytest.skip("the chroma CLI is not installed")
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, env=child_env())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start within 120 s")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_chroma_server_restart_mid_session(tmp_path, cached_embedder):
    port, data, log = free_port(), tmp_path / "chroma-data", tmp_path / "chroma.log"
    write(tmp_path / "corpus", GOOD)
    s = Settings().replace(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "unused", chroma_url=f"http://127.0.0.1:{port}")
    server = start_chroma(data, port, log)
    try:
        bot = Assistant(s, embedder=cached_embedder)
        assert bot.ingest().count("added") == 2
        assert "1931" in bot.ask(QUESTION).text
        before = sorted(c.id for c in bot.store.all_chunks())

        server.kill()  # SIGKILL: no graceful shutdown
        server.wait()
        with pytest.raises(StoreUnavailableError) as exc:
            bot.ask(QUESTION)
        msg = exc.value.user_message()
        assert "vector store" in msg and "chroma run" in msg, msg  # says what failed and what to do
        with pytest.raises(StoreUnavailableError):
            bot.ingest()

        server = start_chroma(data, port, log)  # same port, same data
        ans = bot.ask(QUESTION)  # the same Assistant object reconnects by itself
        assert "1931" in ans.text and ans.citations[0].source == "alpha.txt"
        assert sorted(c.id for c in bot.store.all_chunks()) == before  # nothing lost
        assert bot.ingest().count("unchanged") == 2
    finally:
        server.kill()
        server.wait()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_hung_chroma_server_times_out_with_a_clear_error(tmp_path, cached_embedder):
    """A server that accepts connections but never answers (SIGSTOP) must not hang a question."""
    port, data, log = free_port(), tmp_path / "chroma-data", tmp_path / "chroma.log"
    write(tmp_path / "corpus", GOOD)
    s = Settings().replace(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "unused",
                           chroma_url=f"http://127.0.0.1:{port}", chroma_timeout=2.0)
    server = start_chroma(data, port, log)
    try:
        bot = Assistant(s, embedder=cached_embedder)
        assert bot.ingest().count("added") == 2
        os.kill(server.pid, signal.SIGSTOP)  # hung, not down: connections are still accepted
        for attempt in (lambda: bot.ask(QUESTION), lambda: Assistant(s, embedder=cached_embedder).ask(QUESTION)):
            with pytest.raises(StoreUnavailableError) as exc:
                attempt()
            msg = exc.value.user_message()
            assert "did not answer" in msg and "ASSISTANT_CHROMA_TIMEOUT" in msg, msg
        os.kill(server.pid, signal.SIGCONT)
        ans = bot.ask(QUESTION)  # the same object recovers once the server answers again
        assert "1931" in ans.text and ans.citations[0].source == "alpha.txt"
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.kill()
        server.wait()


# -- disk full while writing the index ----------------------------------------------

_DISK_FULL_CHILD = textwrap.dedent("""
    import json, resource, signal, sys
    from pathlib import Path
    from assistant.api import Assistant
    from assistant.errors import AssistantError
    from assistant.settings import Settings
    tmp, index, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    if limit:  # no tmpfs: cap file sizes instead; writes past the cap fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    bot = Assistant(Settings().replace(corpus_dir=tmp / "corpus", index_dir=index))
    out = {}
    try:
        out["report"] = bot.ingest().summary()
    except AssistantError as e:
        out["error"] = type(e).__name__
        out["message"] = e.user_message()
    except BaseException as e:
        out["error"] = "UNEXPECTED " + type(e).__name__
        out["message"] = str(e)[:500]
    print(json.dumps(out))
""")


def run_disk_child(tmp: Path, index: Path, limit: int = 0) -> dict:
    out = subprocess.run([sys.executable, "-c", _DISK_FULL_CHILD, str(tmp), str(index), str(limit)],
                         capture_output=True, text=True, env=child_env(), cwd=tmp, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def big_corpus(corpus: Path, n: int) -> None:
    rng = random.Random(5)
    for i in range(n):
        (corpus / f"bulk{i:03d}.txt").write_text(random_doc(rng))


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_disk_full_while_writing_the_index(tmp_path, cached_embedder, how):
    write(tmp_path / "corpus", GOOD)
    index = tmp_path / "mnt" / "index"
    s = Settings().replace(corpus_dir=tmp_path / "corpus", index_dir=index)
    limit = 0
    if how == "tmpfs" and not mount_tmpfs(tmp_path / "mnt", "6m"):
        pytest.skip("cannot mount a tmpfs here (needs root); the rlimit variant covers this")
    try:
        assert Assistant(s, embedder=cached_embedder).ingest().count("added") == 2
        release_chroma()
        if how == "tmpfs":  # leave almost no room
            free = shutil.disk_usage(index).free
            with (tmp_path / "mnt" / "filler").open("wb") as fh:
                fh.write(b"\0" * max(0, free - 64_000))
        else:
            limit = max(f.stat().st_size for f in index.rglob("*") if f.is_file()) + 4096
        big_corpus(tmp_path / "corpus", 16)
        full = run_disk_child(tmp_path, index, limit)  # a child: the rlimit must not bind this process
        print(how, full)
        assert full.get("error") == "IndexWriteError", full
        assert "free disk space" in full["message"] and "previous index is kept" in full["message"]

        # The previous index still answers (the disk is still full: reads need no space).
        bot = Assistant(s, embedder=cached_embedder)
        ans = bot.ask(QUESTION)
        assert "1931" in ans.text and ans.citations[0].source == "alpha.txt"
        assert {"alpha.txt", "beta.md"} <= {f.source for f in bot.files()}
        release_chroma()

        # With space again, one ingest completes the index exactly.
        if how == "tmpfs":
            (tmp_path / "mnt" / "filler").unlink()
        bot = Assistant(s, embedder=cached_embedder)
        assert not bot.ingest().skipped
        stored = [c.id for c in bot.store.all_chunks()]
        assert len(stored) == len(set(stored)) and set(stored) == expected_chunk_ids(s)
    finally:
        release_chroma()
        if how == "tmpfs":
            subprocess.run(["umount", "-l", str(tmp_path / "mnt")], capture_output=True)
