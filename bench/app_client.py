"""Start the real app (``python app.py``) on a free port and talk to it over HTTP.

The app's chat event is found by name among its API endpoints, so the
benchmarks keep working while the UI's layout changes; each
:class:`AppSession` is one ``gradio_client`` client, i.e. one browser tab
with its own server-side history.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import ROOT

# Endpoint names the chat event has had (ChatInterface's /chat, our Blocks' on_ask).
CHAT_ENDPOINTS = ("/on_ask", "/chat", "/respond", "/ask")


def clean_env() -> dict[str, str]:
    """This process's environment without ``ASSISTANT_*`` settings, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(corpus: Path, index: Path, extra_env: dict | None = None, timeout: float = 600) -> tuple[subprocess.Popen, str, float]:
    """Start ``python app.py``; return (process, url, seconds until it answered HTTP 200).

    The process gets its own process group: stop it with :func:`stop_app`.
    """
    import urllib.request

    port = _free_port()
    env = clean_env()
    env.update(ASSISTANT_CORPUS=str(corpus), ASSISTANT_INDEX=str(index), ASSISTANT_PORT=str(port), **(extra_env or {}))
    log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server must never block on a full pipe
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    proc.log = log  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}/"
    while True:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"app.py exited ({proc.returncode}): {log.read().decode(errors='replace')[-800:]}")
        if time.perf_counter() - t0 > timeout:
            stop_app(proc)
            raise RuntimeError("app.py did not serve in time")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url, time.perf_counter() - t0
        except OSError:
            time.sleep(0.1)


def stop_app(proc: subprocess.Popen) -> None:
    """Stop a server started in its own process group (the app, or ``chroma run``)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    getattr(proc, "log", None) and proc.log.close()


class AppSession:
    """One chat session (one server-side history) with a running app."""

    def __init__(self, url: str):
        from gradio_client import Client

        self.client = Client(url, verbose=False)
        names = self.client.view_api(print_info=False, return_format="dict").get("named_endpoints", {})
        found = [n for n in CHAT_ENDPOINTS if n in names]
        if not found:
            raise RuntimeError(f"no chat endpoint among {sorted(names)}")
        self.endpoint = found[0]

    def ask(self, question: str) -> str:
        """Send one message and return the final assistant reply (text or HTML)."""
        return _last_reply(self.client.predict(question, api_name=self.endpoint))


def _last_reply(result: Any) -> str:
    """The last assistant message in whatever the chat event returned."""
    parts = result if isinstance(result, (tuple, list)) else [result]
    for part in parts:
        if isinstance(part, list) and part and all(isinstance(m, dict) for m in part):
            for m in reversed(part):
                if m.get("role") == "assistant":
                    content = m.get("content")
                    return content if isinstance(content, str) else str(content)
    return str(result)
