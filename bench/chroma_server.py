"""A real ``chroma run`` server for the benchmarks, and copying an index into it.

Copying moves stored vectors as they are (no re-embedding), so the server
holds exactly what the embedded index holds.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .app_client import clean_env
from .app_client import stop_app as stop  # a server is stopped like the app: its process group


def start(path: Path, timeout: float = 120) -> tuple[subprocess.Popen, str]:
    """Start ``chroma run`` on a free port with its data in ``path``; return (process, url)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("chroma")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [str(exe) if exe.exists() else "chroma", "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=log, env=clean_env(), start_new_session=True,
    )
    proc.log = log  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"chroma run exited: {log.read().decode(errors='replace')[-600:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError("chroma run did not start in time")


def copy_index(src, dst, page: int = 1000, progress=None) -> int:
    """Copy every chunk and its vector from Store ``src`` to Store ``dst``; returns the count."""
    from assistant.store import to_chunk

    n, offset = src.count(), 0
    while offset < n:
        got = src.col.get(include=["documents", "metadatas", "embeddings"], limit=page, offset=offset)
        if not len(got["ids"]):
            break
        chunks = [to_chunk(cid, doc, meta) for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])]
        dst.upsert(chunks, list(got["embeddings"]))
        offset += len(got["ids"])
        if progress:
            progress(offset, n)
    return offset
