"""Loader throughput per format (MB/s and pages, slides, paragraphs or rows per second),
and the memory a 10,000-row spreadsheet's (and a 1 MB text file's) whole ingest takes.

Files are written by the format libraries into the work folder (cached). The
loader figures time :func:`assistant.loaders.load` plus chunking, in this
process, median of ``--repeats``. The memory figure ingests one file with the
real embedder in a fresh subprocess (``MALLOC_ARENA_MAX=2``, as ``make`` sets
it), median of ``--repeats`` processes, and reports how far its peak RSS rose
above what the loaded, warm model already held (the model itself is ~400 MB
of every process that embeds, spreadsheet or not); and above that plus
tiktoken's tables, which a serving process holds from its first answer on.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .common import ROOT, median_of, save, work_root

_WORDS = ("xiaomi electric sedan factory delivery order battery market price premium launch europe supply chain "
          "capacity quarter revenue model charging range software dealer store motor target growth").split()


def add_arguments(p) -> None:
    p.add_argument("--rows", type=int, default=10_000, help="rows of the spreadsheet and the CSV")
    p.add_argument("--pages", type=int, default=50, help="pages of the PDF (and ~5x as many Word paragraphs)")
    p.add_argument("--slides", type=int, default=100, help="slides of the deck")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--no-memory", action="store_true", help="skip the ingest-memory subprocess (it embeds every row)")
    p.add_argument("--embed-batch", type=int, default=0, help="embed_batch_size for the memory run (0: the default setting)")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(10, 18))).capitalize() + "."


def make_files(work: Path, rows: int, pages: int, slides: int) -> dict[str, tuple[Path, int, str]]:
    """{format: (path, units, unit name)}, written once per size."""
    sys.path.insert(0, str(ROOT / "tests"))
    from office_docs import csv_file, docx_file, pdf_file, pptx_file, xlsx_file

    rng = random.Random(0)
    d = work / f"formats-{rows}-{pages}-{slides}"
    d.mkdir(parents=True, exist_ok=True)
    header = ["Model", "Region", "Quarter", "Units", "Price", "Note"]
    table = [header] + [[f"M{i % 97}", rng.choice(["CN", "EU", "US"]), f"Q{1 + i % 4}", rng.randint(10, 9999),
                         round(rng.uniform(1e4, 5e5), 2), _sentence(rng)] for i in range(rows - 1)]
    files = {
        "xlsx": (d / "rows.xlsx", rows, "rows", lambda p: xlsx_file(p, {"Sales": table})),
        "csv": (d / "rows.csv", rows, "rows", lambda p: csv_file(p, table)),
        "pdf": (d / "pages.pdf", pages, "pages", lambda p: pdf_file(p, [[_sentence(rng) for _ in range(12)] for _ in range(pages)])),
        "docx": (d / "paras.docx", pages * 5, "paragraphs",
                 lambda p: docx_file(p, [("h1" if i % 10 == 0 else "p", _sentence(rng)) for i in range(pages * 5)])),
        "pptx": (d / "deck.pptx", slides, "slides",
                 lambda p: pptx_file(p, [{"title": f"Slide {i}", "body": [_sentence(rng) for _ in range(3)], "notes": _sentence(rng)}
                                         for i in range(slides)])),
        "txt": (d / "text.txt", 0, "lines", lambda p: p.write_text("\n".join(_sentence(rng) for _ in range(rows)) + "\n")),
    }
    out = {}
    for fmt, (path, units, unit, write) in files.items():
        if not path.exists():
            write(path)
        out[fmt] = (path, units or sum(1 for _ in path.open()), unit)
    return out


def time_load(path: Path, repeats: int) -> dict:
    from assistant.chunking import chunk_lines
    from assistant.loaders import load
    from assistant.locators import attach

    load_s, total_s, n_chunks = [], [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        lf = load(path, path.name, 10**9, 10**7)
        t1 = time.perf_counter()
        chunks = attach(chunk_lines(lf.lines, path.name, lf.file_hash, 180, 40, lf.breaks), lf.locs)
        t2 = time.perf_counter()
        load_s.append(t1 - t0)
        total_s.append(t2 - t0)
        n_chunks = len(chunks)
    return {"load_s": statistics.median(load_s), "load_and_chunk_s": statistics.median(total_s), "chunks": n_chunks}


_MEMORY_CHILD = r"""
import json, resource, sys, tempfile
from pathlib import Path
from bench.common import settings_for
from assistant.providers.embeddings import build_embedder
from assistant.ingest import ingest
from assistant.store import Store, make_client
src = Path(sys.argv[1])
corpus = Path(tempfile.mkdtemp()); (corpus / src.name).write_bytes(src.read_bytes())
s = settings_for(corpus, Path(tempfile.mkdtemp()), **({"embed_batch_size": int(sys.argv[2])} if sys.argv[2] != "0" else {}))
emb = build_embedder(s)
getattr(emb, "ready", lambda: None)()  # the background ONNX load settles before the baseline
emb.get_text_embedding_batch(["warm up the model"] * 64)
store = Store(make_client(s), s.collection, "local:bench", lambda: 384)
store.count()
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = peak()
from assistant.tokens import count_tokens
count_tokens("loaded by every answer")  # tiktoken's tables: ingest loads them too, when it chunks
tables = peak()
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
cpu0 = cpu()
r = ingest(s, store, emb)
after = peak()
print(json.dumps({"peak_rss_before_mb": before, "peak_rss_tables_mb": tables, "peak_rss_after_mb": after,
                  "ingest_rise_mb": after - before, "rise_above_tables_mb": after - tables,
                  "chunks": r.chunks_written, "seconds": r.seconds, "cpu_seconds": cpu() - cpu0}))
"""


def ingest_memory(path: Path, embed_batch: int = 0, root: Path = ROOT) -> dict:
    """Peak-RSS rise of ingesting ``path`` alone in a fresh process; ``embed_batch`` 0 keeps the setting's default.

    ``root`` is the source tree the process imports (another checkout, to measure a baseline).
    """
    env = {**os.environ, "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}  # as the Makefile sets it
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(path), str(embed_batch)], cwd=root, capture_output=True,
                         text=True, timeout=900, env=env)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(args) -> Path:
    started = time.perf_counter()
    files = make_files(work_root(getattr(args, "work", None)), args.rows, args.pages, args.slides)
    results: dict = {}
    for fmt, (path, units, unit) in files.items():
        t = time_load(path, args.repeats)
        mb = path.stat().st_size / 1e6
        results[fmt] = {"file_mb": round(mb, 3), "units": units, "unit": unit, **{k: round(v, 4) for k, v in t.items() if k != "chunks"},
                        "chunks": t["chunks"], "mb_per_s": round(mb / t["load_and_chunk_s"], 2),
                        f"{unit}_per_s": round(units / t["load_and_chunk_s"])}
        print(f"{fmt}: {results[fmt]}", file=sys.stderr, flush=True)
    if not args.no_memory:
        for fmt in ("xlsx", "txt"):
            runs = []
            for _ in range(args.repeats):
                runs.append(ingest_memory(files[fmt][0], args.embed_batch))
                print(f"{fmt} memory: {runs[-1]}", file=sys.stderr, flush=True)
            results[f"{fmt}_ingest_memory"] = {**median_of(runs), "each_rise_mb": [round(r["ingest_rise_mb"]) for r in runs]}
    params = {"rows": args.rows, "pages": args.pages, "slides": args.slides, "repeats": args.repeats, "embed_batch": args.embed_batch}
    return save("formats", params, results, out_dir=getattr(args, "out", None), tag=getattr(args, "tag", None), started=started)
