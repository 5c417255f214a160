"""Shared fixtures: real parts, isolated in temporary folders.

- ``embedder``: the real bundled all-MiniLM-L6-v2 (a llama-index
  ``BaseEmbedding``), loaded once per session; ``cached_embedder`` wraps it
  with a vector cache (workspaces use that, so the five articles are embedded
  once per session, not once per test).
- ``store_kind``: "persistent" (embedded Chroma in a tmp dir) or "http" (a real
  ``chroma run`` server started once per session). Every test that uses
  ``workspace`` runs against both. To pin one kind::

      @pytest.mark.parametrize("store_kind", ["persistent"], indirect=True)

- ``workspace``: a private copy of ``corpus/``, its own index folder and its
  own collection, with helpers to build settings, an :class:`Assistant` or run
  the real CLI against it.
- ``make_workspace(kind, name)``: the same, for module- or session-scoped fixtures.
- ``ingested``: a session-wide, already ingested workspace per store kind for
  read-only tests (answers). Do not change its files.
- ``chroma_server`` / ``llama_server``: base URLs of real servers on loopback.
- ``counting``: wraps an embedder and counts what it embeds.
- ``bare_cli``: the CLI in an empty folder; ``closed_url``: a port nobody listens on.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
BIN = Path(sys.executable).parent
STORE_KINDS = ["persistent", "http"]

# Never let a test reach the hub or a developer's own configuration.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


# -- small helpers ---------------------------------------------------------------
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_corpus(dst: Path) -> Path:
    """A byte-for-byte, writable copy of the repository's ``corpus/`` at ``dst``."""
    shutil.copytree(CORPUS, dst, copy_function=shutil.copyfile)  # the originals may be read-only
    return dst


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without any ASSISTANT_* / OpenAI settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def wait_http(url: str, proc: subprocess.Popen | None, timeout: float, log: Path | None = None) -> None:
    """Poll ``url`` until it answers 200; fail early, with the log tail, if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            pytest.fail(f"server exited with {proc.returncode} before {url} answered:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout:.0f}s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server we started, then kill it if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


class Counting:
    """An embedder proxy that counts what it embeds.

    ``texts``: texts embedded in batches (chunks, answer sentences);
    ``singles``: single texts (e.g. the store's dimension probe);
    ``queries``: query embeddings.
    """

    def __init__(self, inner: Any):
        self.inner = inner
        self.texts = 0
        self.singles = 0
        self.queries = 0

    def get_text_embedding_batch(self, texts, **kw):
        self.texts += len(texts)
        return self.inner.get_text_embedding_batch(texts, **kw)

    def get_text_embedding(self, text):
        self.singles += 1
        return self.inner.get_text_embedding(text)

    def get_query_embedding(self, query):
        self.queries += 1
        return self.inner.get_query_embedding(query)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class Memo:
    """The real embedder with a cache of the vectors it already computed.

    Tests ingest the same five articles many times; the vectors still come
    from the real model, just once per distinct text per session.
    """

    def __init__(self, inner: Any):
        self.inner = inner
        self._texts: dict[str, list[float]] = {}
        self._queries: dict[str, list[float]] = {}

    def get_text_embedding_batch(self, texts, **kw):
        missing = list(dict.fromkeys(t for t in texts if t not in self._texts))
        if missing:
            self._texts.update(zip(missing, self.inner.get_text_embedding_batch(missing, **kw)))
        return [self._texts[t] for t in texts]

    def get_text_embedding(self, text):
        return self.get_text_embedding_batch([text])[0]

    def get_query_embedding(self, query):
        if query not in self._queries:
            self._queries[query] = self.inner.get_query_embedding(query)
        return self._queries[query]

    def __getattr__(self, name):
        return getattr(self.inner, name)


# -- servers ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> str:
    """Base URL of a real ``chroma run`` server on a free loopback port."""
    exe = BIN / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "")
    if not exe.is_file():
        pytest.fail("the `chroma` CLI is not installed next to this Python (pip install chromadb)")
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = data.parent / f"chroma-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(exe), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=clean_env(),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v2/heartbeat", proc, timeout=60, log=log)
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def gguf_path() -> str:
    """The bundled Gemma 3 270M GGUF file."""
    from assistant.providers.llms import bundled_gguf_path

    return bundled_gguf_path()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory, gguf_path) -> str:
    """``/v1`` base URL of a real ``python -m llama_cpp.server`` serving the bundled GGUF."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", gguf_path, "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "4096", "--model_alias", "gemma-3-270m"],
            stdout=out, stderr=subprocess.STDOUT, env=clean_env(),
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_http(f"{base}/models", proc, timeout=180, log=log)
        yield base
    finally:
        stop(proc)


# -- models ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def embedder():
    """The real bundled embedder (all-MiniLM-L6-v2), shared by the whole session."""
    from assistant.providers.embeddings import build_embedder
    from assistant.settings import Settings

    emb = build_embedder(Settings.from_mapping({}))
    emb.ready()  # the ONNX path loads in the background; tests want it settled
    return emb


@pytest.fixture(scope="session")
def cached_embedder(embedder) -> Memo:
    """The real embedder behind a per-session vector cache; what workspaces use."""
    return Memo(embedder)


@pytest.fixture
def counting(cached_embedder) -> Counting:
    """The shared embedder behind a counter (``.texts``, ``.singles``, ``.queries``)."""
    return Counting(cached_embedder)


@pytest.fixture(scope="session")
def local_generator():
    """The real local backend (llama.cpp on the bundled Gemma), loaded once.

    Its time budget is generous: tests check what the model says, and a busy
    shared machine must not turn that into a timeout fallback."""
    from assistant.providers.llms import build_generator
    from assistant.settings import Settings

    return build_generator(Settings.from_mapping({"backend": "local", "llm_timeout": 600}))


# -- workspaces ------------------------------------------------------------------
@dataclass
class Workspace:
    """A corpus copy plus an index (embedded or on the shared server) for one test."""

    root: Path
    kind: str
    chroma_url: str
    collection: str
    embedder: Any

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def index(self) -> Path:
        return self.root / "index"

    def settings(self, **changes: Any):
        """Settings pointing at this workspace; ignores the caller's env and settings files."""
        from assistant.settings import Settings

        base = {"corpus_dir": self.corpus, "index_dir": self.index, "chroma_url": self.chroma_url, "collection": self.collection}
        return Settings.from_mapping({**base, **changes})

    def assistant(self, embedder: Any = None, generator: Any = None, **changes: Any):
        """An :class:`Assistant` on this workspace with the shared (or given) embedder."""
        from assistant.api import Assistant

        return Assistant(self.settings(**changes), embedder=embedder or self.embedder, generator=generator)

    def store(self, embedder_id: str = "local:all-MiniLM-L6-v2"):
        """A :class:`Store` on its own client, to inspect what the index holds."""
        from assistant.store import Store, make_client

        return Store(make_client(self.settings()), self.collection, embedder_id, 384)

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a subprocess that should use this workspace."""
        env = clean_env(ASSISTANT_CORPUS=str(self.corpus), ASSISTANT_INDEX=str(self.index), ASSISTANT_COLLECTION=self.collection)
        if self.chroma_url:
            env["ASSISTANT_CHROMA_URL"] = self.chroma_url
        env.update(extra)
        return env

    def cli_args(self, *args: str) -> list[str]:
        return [str(BIN / "assistant"), *args]

    def cli(self, *args: str, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run the real ``assistant`` CLI on this workspace and capture its output."""
        return subprocess.run(
            self.cli_args(*args), cwd=self.root, env=env or self.env(), capture_output=True, text=True, timeout=timeout
        )

    def answer(self, question: str, fact: str) -> dict:
        """``assistant ask --json`` through the real CLI; checks that it answered and that the answer holds ``fact``."""
        r = self.cli("ask", question, "--json")
        assert r.returncode == 0, r.stderr
        ans = json.loads(r.stdout)
        assert not ans["refused"] and fact in ans["answer"], (question, ans["answer"])
        return ans

    def write(self, name: str, text: str | bytes) -> Path:
        """Create or overwrite a corpus file."""
        p = self.corpus / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode() if isinstance(text, str) else text)
        return p


@pytest.fixture
def bare_cli(tmp_path):
    """Run the real ``assistant`` CLI in an empty tmp folder with a clean environment.

    ``bare_cli(*args, env={...})`` returns the CompletedProcess (text output)."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "assistant"), *args], cwd=tmp_path, env=clean_env(**(env or {})),
                              capture_output=True, text=True, timeout=300)

    return run


@pytest.fixture
def closed_url() -> str:
    """An http://127.0.0.1:PORT URL that nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_kind(request) -> str:
    """Which Chroma the test runs on: "persistent" (embedded) or "http" (``chroma run``)."""
    return request.param


def _workspace(root: Path, kind: str, request, embedder) -> Workspace:
    url = request.getfixturevalue("chroma_server") if kind == "http" else ""
    copy_corpus(root / "corpus")
    return Workspace(root=root, kind=kind, chroma_url=url, collection=f"t{uuid.uuid4().hex[:12]}", embedder=embedder)


@pytest.fixture
def workspace(tmp_path, store_kind, request, cached_embedder) -> Workspace:
    """A fresh corpus copy and an empty index of kind ``store_kind``."""
    return _workspace(tmp_path, store_kind, request, cached_embedder)


@pytest.fixture(scope="session")
def make_workspace(tmp_path_factory, request, cached_embedder):
    """Factory for workspaces that outlive one test: ``make_workspace("persistent", "name")``."""

    def make(kind: str = "persistent", name: str = "ws", files: dict[str, str | bytes] | None = None) -> Workspace:
        """With ``files`` ({name: text or bytes}), the corpus holds only those files instead of the five articles."""
        ws = _workspace(tmp_path_factory.mktemp(name), kind, request, cached_embedder)
        if files is not None:
            for f in ws.corpus.iterdir():
                f.unlink()
            for fname, body in files.items():
                path = ws.corpus / fname
                path.write_bytes(body) if isinstance(body, bytes) else path.write_text(body, encoding="utf-8")
        return ws

    return make


@pytest.fixture(scope="session")
def ingested(tmp_path_factory, store_kind, request, cached_embedder) -> Workspace:
    """The real corpus, ingested once per store kind. Read-only: do not change its files."""
    ws = _workspace(tmp_path_factory.mktemp(f"ingested-{store_kind}"), store_kind, request, cached_embedder)
    report = ws.assistant().ingest()
    assert report.count("added") == 5, report.summary()
    return ws
