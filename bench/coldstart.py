"""Benchmark 4: cold start, each measurement a brand-new process.

- ``assistant --help`` and ``assistant ingest --dry-run``: should stay fast
  because heavy modules (torch, transformers, llama-index, llama.cpp) load
  lazily; the heavy modules each command really imported are listed too.
- ``assistant ask`` (extractive, and optionally the local Gemma backend):
  process start to printed answer.
- The baseline: a new process that builds the same embedder, opens a
  llama-index ``VectorStoreIndex`` on the same Chroma and retrieves; and the
  bare interpreter (``python -c pass``) as the floor.
- ``python app.py`` (what ``make run`` runs after its install check) on a
  free port: process start to the first answer received over HTTP through
  ``gradio_client``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .app_client import AppSession, clean_env, start_app, stop_app
from .common import ROOT, bar, build_embedder, ensure_index, median_of, ratio, save, stats_ms, work_root

HEAVY = ("torch", "transformers", "sentence_transformers", "llama_index.core", "llama_cpp", "chromadb", "gradio", "numpy")
QUESTION = "When was Xiaomi founded?"


def _assistant() -> str:
    exe = Path(sys.executable).with_name("assistant")
    return str(exe) if exe.exists() else "assistant"


def _time(cmd: list[str], check_out: str | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    dt = time.perf_counter() - t0
    if proc.returncode != 0 or (check_out and check_out not in proc.stdout):
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({proc.returncode}): {proc.stderr[-400:]}")
    return dt


def _heavy_imports(argv: list[str]) -> list[str]:
    """Heavy modules that running the CLI with ``argv`` imports."""
    code = (
        "import sys, json\n"
        "from assistant.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY=' + json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=900).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("HEAVY=")), "HEAVY=null")
    return json.loads(line[6:]) or []


_BASELINE = """
import sys, time
t0 = time.perf_counter()
import chromadb
from chromadb.config import Settings
from llama_index.core import VectorStoreIndex
from llama_index.vector_stores.chroma import ChromaVectorStore
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from assistant.providers.embeddings import bundled_minilm_path
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
vs = ChromaVectorStore(chroma_collection=client.get_collection("baseline"))
emb = HuggingFaceEmbedding(model_name=bundled_minilm_path(), device="cpu", normalize=True)
index = VectorStoreIndex.from_vector_store(vs, embed_model=emb)
nodes = index.as_retriever(similarity_top_k=5).retrieve(sys.argv[2])
print(nodes[0].node.get_content()[:60])
"""


def _app_first_answer(corpus: Path, index: Path) -> dict:
    t0 = time.perf_counter()
    proc, url, served = start_app(corpus, index)
    try:
        reply = AppSession(url).ask(QUESTION)
        total = time.perf_counter() - t0
    finally:
        stop_app(proc)
    if "2010" not in reply:
        raise RuntimeError(f"unexpected first answer: {reply[:200]}")
    return {"serving": served, "first_answer": total}


def run(args) -> Path:
    """Run the cold-start benchmark with the CLI ``args`` and write ``coldstart.json``."""
    from .baseline import retrieval_baseline

    started = time.perf_counter()
    work = work_root(args.work)
    corpus, index = ROOT / "corpus", work / "index-corpus"
    bot = ensure_index(corpus, index, build_embedder())
    retrieval_baseline(bot.store, bot.embedder, bot.settings.top_k)  # the baseline's collection, same vectors
    del bot
    a = _assistant()
    common = ["--corpus", str(corpus), "--index", str(index)]
    cmds = {
        "python -c pass": ([sys.executable, "-c", "pass"], None),
        "assistant --help": ([a, "--help"], "ingest"),
        "assistant ingest --dry-run": ([a, "ingest", "--dry-run", *common], "unchanged"),
        "assistant ask (extractive)": ([a, "ask", QUESTION, *common], "2010"),
        "baseline: llama-index retrieve": ([sys.executable, "-c", _BASELINE, str(index), QUESTION], None),
    }
    if args.local:
        cmds["assistant ask --backend local"] = ([a, "ask", QUESTION, "--backend", "local", *common], None)
    samples: dict[str, list[float]] = {k: [] for k in cmds}
    app: list[dict] = []
    for _ in bar(range(args.repeats), desc="cold start", unit="round"):
        for name, (cmd, want) in cmds.items():  # interleaved: load hits every command alike
            samples[name].append(_time(cmd, want))
        if args.app:
            app.append(_app_first_answer(corpus, index))
    results: dict = {"commands": {k: stats_ms(v) for k, v in samples.items()}}
    ask = results["commands"]["assistant ask (extractive)"]["p50"]
    results["ask_vs_baseline_retrieve_p50"] = ratio(ask, results["commands"]["baseline: llama-index retrieve"]["p50"])
    results["heavy_imports"] = {
        "assistant --help": _heavy_imports(["--help"]),
        "assistant ingest --dry-run": _heavy_imports(["ingest", "--dry-run", *common]),
        "assistant ask (extractive)": _heavy_imports(["ask", QUESTION, *common]),
    }
    if app:
        results["app_start_to_first_answer"] = median_of([{k: v * 1000 for k, v in r.items()} for r in app])
    params = {k: v for k, v in vars(args).items() if k not in ("func", "out", "work", "tag")}
    return save("coldstart", params, results, out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)


def add_arguments(p) -> None:
    p.add_argument("--repeats", type=int, default=5, help="rounds; figures are medians (default 5)")
    p.add_argument("--local", action="store_true", help="also time `assistant ask --backend local` (loads Gemma)")
    p.add_argument("--no-app", dest="app", action="store_false", help="skip starting app.py")
