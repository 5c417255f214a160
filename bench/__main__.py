"""``python -m bench [benchmark ...] [options]``: run benchmarks, write ``bench/results/*.json``.

With no benchmark named, all six run at their default sizes (what
``make bench`` does). Each benchmark has its own options; see
``python -m bench BENCHMARK --help``.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time

BENCHMARKS = {
    "latency": "Query latency per stage vs llama-index VectorStoreIndex (p50/p95).",
    "ingest": "Ingest throughput (chunks/s, MB/s) vs llama-index IngestionPipeline; unchanged re-ingest cost.",
    "scaling": "Retrieval latency and peak RSS from 1k to 1M chunks (synthetic vectors, one subprocess per size).",
    "coldstart": "New-process times: --help, ingest --dry-run, ask, and app start to first answer.",
    "concurrency": "8 simultaneous chat sessions against one app server: throughput, p95, history isolation.",
    "api-concurrency": "8 simultaneous streaming clients of the HTTP API against one app server: throughput, p95, isolation.",
    "check": "Cost of the answer check per generated answer (check on vs off, same run).",
    "formats": "Loader throughput per format (MB/s, pages/slides/rows per s); ingest memory of a 10,000-row spreadsheet.",
}
_MODULES = {"ingest": "ingest_bench", "api-concurrency": "api_concurrency", "check": "check_latency", "formats": "formats_bench"}


def _module(name: str):
    return importlib.import_module(f"bench.{_MODULES.get(name, name)}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", help="scratch folder for generated corpora and indexes (default: $BENCH_WORK or /tmp/assistant-bench)")
    p.add_argument("--out", help="results folder (default bench/results)")
    p.add_argument("--tag", help="suffix for the results file, e.g. latency-TAG.json (for variant runs)")
    sub = p.add_subparsers(dest="bench")
    for name, help_ in BENCHMARKS.items():
        s = sub.add_parser(name, help=help_, description=help_)
        s.add_argument("--work", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
        s.add_argument("--out", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
        s.add_argument("--tag", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
        _module(name).add_arguments(s)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    names = [args.bench] if args.bench else list(BENCHMARKS)
    for name in names:
        mod = _module(name)
        run_args = args if args.bench else _defaults(name, args.work, args.out, args.tag)
        t0 = time.perf_counter()
        print(f"== {name}: {BENCHMARKS[name]}", file=sys.stderr, flush=True)
        path = mod.run(run_args)
        print(f"== {name}: wrote {path} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr, flush=True)
    return 0


def _defaults(name: str, work: str | None, out: str | None, tag: str | None) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    _module(name).add_arguments(p)
    ns = p.parse_args([])
    ns.work, ns.out, ns.tag = work, out, tag
    return ns


if __name__ == "__main__":
    sys.exit(main())
