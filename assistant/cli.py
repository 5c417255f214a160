"""Command line: ingest, ask, chat, serve, api, eval. Errors become one friendly line here."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from .errors import AssistantError


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", help="documents folder (env ASSISTANT_CORPUS; default corpus/)")
    common.add_argument("--index", help="index folder (env ASSISTANT_INDEX; default index/)")
    common.add_argument("--settings", help="TOML settings file (env ASSISTANT_SETTINGS)")
    common.add_argument("--backend", choices=["local", "openai", "extractive"], help="answer backend")
    common.add_argument("--k", type=int, help="passages per answer (top_k)")
    p = argparse.ArgumentParser(prog="assistant", description="Chat with your documents, with cited answers.")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ingest", parents=[common], help="index the corpus (incremental)")
    s.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")
    s.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s = sub.add_parser("ask", parents=[common], help="answer one question")
    s.add_argument("question")
    s.add_argument("--json", action="store_true", help="print exactly one JSON object")
    sub.add_parser("chat", parents=[common], help="chat in the terminal")
    s = sub.add_parser("serve", parents=[common], help="serve the chat UI and the HTTP API (one process)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s = sub.add_parser("api", parents=[common], help="serve the OpenAI-compatible HTTP API alone")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    sub.add_parser("files", parents=[common], help="list indexed files")
    s = sub.add_parser("eval", parents=[common], help="run an evaluation dataset")
    s.add_argument("--dataset", help="LabelledRagDataset JSON (default: evals/gold/xiaomi.json)")
    s.add_argument("--gold-sources", help="JSONL of file-level gold sources (auto-found beside the dataset)")
    s.add_argument("--baseline", action="store_true", help="also run the textbook llama-index pipeline")
    s.add_argument("--limit", type=int, help="only the first N items")
    s.add_argument("--sample", type=int, help="only N items spread evenly over the dataset (every category)")
    s.add_argument("--gate", action="store_true", help="fail when a metric is below its threshold in evals/thresholds.json")
    s.add_argument("--thresholds", help="thresholds JSON for --gate (default evals/thresholds.json)")
    s.add_argument("--out", help="results folder (default build/evals, git-ignored; evals/results holds the published copies)")
    s.add_argument("--reference-model", choices=("faithful", "corrupt", "both"),
                   help="also measure the answer check with the reference model (docs/evaluation.md)")
    return p


def _settings(args):
    from .settings import Settings

    return Settings.load(
        file=args.settings,
        corpus_dir=args.corpus,
        index_dir=args.index,
        backend=args.backend,
        top_k=args.k,
        **({"host": args.host} if getattr(args, "host", None) else {}),
        **({"port": args.port} if getattr(args, "port", None) else {}),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assistant`` console script."""
    args = _parser().parse_args(argv)
    try:
        from .logs import quiet

        quiet()
        return _COMMANDS[args.cmd](args)
    except AssistantError as e:
        print(f"error: {e.user_message()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # the last line of defence: never show a traceback
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(f"unexpected error: {type(e).__name__}: {str(e)[:200]} (set ASSISTANT_DEBUG=1 for details)", file=sys.stderr)
        return 1


def _ingest(args) -> int:
    from .api import Assistant

    bot = Assistant(_one_shot(_settings(args)))
    bar = _bar() if not args.json else None
    report = bot.ingest(rebuild=args.rebuild, dry_run=args.dry_run, progress=bar)
    if bar:
        bar.close()
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        for f in report.files:
            if f.status == "skipped":
                print(f"skipped {f.source}: {f.reason}")
            elif f.note:
                print(f"note {f.source}: {f.note}")
        print(("would be: " if args.dry_run else "") + report.summary() + f" ({report.seconds:.1f}s)")
    return 0


def _one_shot(settings):
    """Settings for a process that embeds little and exits: no ONNX graph to load.

    Loading it (~0.3 s, an export ~5 s the first time) costs more than it
    saves on one question, and ingest batches run under PyTorch anyway.
    """
    return settings.replace(embed_runtime="torch") if settings.embed_runtime == "auto" else settings


def _ask(args) -> int:
    from .api import Assistant

    bot = Assistant(_one_shot(_settings(args)))
    if args.json:
        print(json.dumps(bot.ask(args.question).to_dict(), ensure_ascii=False))
        return 0
    stream = bot.stream(args.question)
    for delta in stream:
        print(delta, end="", flush=True)
    print()
    _print_checked(stream.answer)
    _print_sources(stream.answer)
    return 0


def _print_checked(ans) -> None:
    """The streamed draft is the model's; when the check changed it, show what stands.

    (A fallback streams its own answer after the draft, so it needs nothing more.)
    """
    changed = any(c.verdict in ("removed", "repointed") for c in ans.claims)
    if changed and not ans.refused and ans.backend != "extractive-fallback" and ans.text.strip():
        print(f"checked answer: {ans.text}")


def _where(c) -> str:
    """``file:12-14`` for a text file; ``file, page 7`` (slide, sheet and row, section) where the format has them."""
    if c.label and "line" not in c.locator:
        return f"{c.source}, {c.label}"
    return f"{c.source}:{c.start_line}-{c.end_line}"


def _print_sources(ans) -> None:
    if ans.read_as:
        print("  read " + ", ".join(f"{typed!r} as {read!r}" for typed, read in ans.read_as.items()))
    for c in ans.citations:
        print(f"  [{c.n}] {_where(c)} (score {c.score:.2f})")
    if ans.refused and ans.closest:
        print("  closest passages, not an answer:")
        for c in ans.closest:
            print(f"    {_where(c)} {c.quote[:100]!r}")
    for note in ans.notes:
        if ans.backend == "extractive-fallback" or (ans.claims and not ans.refused):
            print(f"  note: {note}")


def _chat(args) -> int:
    from .api import Assistant

    bot = Assistant(_settings(args))
    history: list[dict] = []
    print("Ask about your documents. Empty line or Ctrl-D to quit.")
    while True:
        try:
            q = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if not q:
            return 0
        try:
            stream = bot.stream(q, history)
            print("bot> ", end="")
            for delta in stream:
                print(delta, end="", flush=True)
            ans = stream.answer
            print()
            _print_checked(ans)
            _print_sources(ans)
        except AssistantError as e:  # keep the session alive on a failed question
            print(f"\nerror: {e.user_message()}")
            continue
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": ans.text}]


def _serve(args) -> int:
    from .http.serve import serve

    serve(_settings(args), ui=True)
    return 0


def _api(args) -> int:
    from .http.serve import serve

    serve(_settings(args), ui=False)
    return 0


def _files(args) -> int:
    from .api import Assistant

    for f in Assistant(_settings(args)).files():
        print(f"{f.chunks:6d}  {f.source}")
    return 0


def _eval(args) -> int:
    from .evals.runner import main as eval_main

    return eval_main(args, _settings(args))


def _bar():
    from tqdm import tqdm

    state = {"bar": None}

    class Bar:
        def __call__(self, done: int, total: int, source: str) -> None:
            if state["bar"] is None:
                state["bar"] = tqdm(total=total, unit="file", desc="ingest", leave=False, disable=total < 20)
            state["bar"].n = done
            state["bar"].set_postfix_str(source[-40:], refresh=True)

        def close(self) -> None:
            if state["bar"] is not None:
                state["bar"].close()

    return Bar()


_COMMANDS = {"ingest": _ingest, "ask": _ask, "chat": _chat, "serve": _serve, "api": _api, "files": _files, "eval": _eval}

if __name__ == "__main__":
    sys.exit(main())
