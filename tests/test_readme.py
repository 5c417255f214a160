"""The README's examples run as written, so that none of them rots.

In a fresh folder holding a copy of corpus/ (the README's `corpus/` and
`index/` relative to where you run): the Python snippet, the command lines,
and the `curl` call against `assistant api` (the API alone) on loopback.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import httpx
import pytest
from conftest import BIN, ROOT, clean_env, copy_corpus, free_port, stop, wait_http

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)
FOUNDED = "000_d30eed791859901c.txt"
# Commands that wait for a person or run until stopped: the server ones are run by test_curl_example.
INTERACTIVE = ("chat", "serve", "api")


def cli_lines() -> list[str]:
    lines = [ln.split("  #")[0].strip() for lang, body in BLOCKS if lang == "bash" for ln in body.splitlines()]
    return [ln for ln in lines if ln.startswith("assistant ") and shlex.split(ln)[1] not in INTERACTIVE]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("readme")
    copy_corpus(root / "corpus")
    return root


def test_python_snippet(folder):
    code = next(body for lang, body in BLOCKS if lang == "python")
    out = subprocess.run([sys.executable, "-c", code], cwd=folder, env=clean_env(), capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "2010" in out.stdout and f"[1] {FOUNDED}" in out.stdout
    assert "5 added" in out.stdout or "5 unchanged" in out.stdout


def test_command_lines(folder):
    lines = cli_lines()
    assert [shlex.split(ln)[1] for ln in lines] == ["ingest", "ask", "files"]
    outs = {}
    for ln in lines:
        args = shlex.split(ln)
        out = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=folder, env=clean_env(), capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, (ln, out.stderr[-2000:])
        outs[args[1]] = out.stdout
    assert "2010" in outs["ask"] and FOUNDED in outs["ask"]
    assert FOUNDED in outs["files"]


def test_curl_example(folder):
    curl = next(body for lang, body in BLOCKS if lang == "bash" and "curl " in body)
    key, port = "readme-key-4c2a", free_port()
    log = folder / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(BIN / "assistant"), "api", "--port", str(port)], cwd=folder,
                                env=clean_env(ASSISTANT_API_KEY=key), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/v1/openapi.json", proc, timeout=300, log=log)
        assert httpx.get(url + "/").status_code == 404  # the API alone: no UI
        cmd = curl.replace("http://127.0.0.1:7860", url)
        out = subprocess.run(["bash", "-c", cmd], env=clean_env(ASSISTANT_API_KEY=key), capture_output=True, text=True, timeout=300)
    finally:
        stop(proc)
    reply = json.loads(out.stdout)
    message = reply["choices"][0]["message"]
    assert "2010" in message["content"] and "Sources:" in message["content"]
    assert message["doc_assistant"]["citations"][0]["source"] == FOUNDED
    assert key not in log.read_text(errors="replace")
