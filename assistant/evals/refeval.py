"""Measure the answer check with the reference model: faithful answers passed, planted errors caught.

``run_reference(bot, items, modes)`` starts a :class:`ReferenceServer`, points
a copy of ``bot`` at it (``backend="openai"``) and asks every item: once with
faithful answers, then once per error kind. Outcomes are read from the final
text, citations and passages, never from the check's own verdicts.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import prompts
from ..types import Answer
from .corrupt import INSTRUCTION_LINE, KINDS, Plant
from .dataset import EvalItem
from .metrics import fact_text, facts_found
from .refanswer import holds_answer, names_in, supports
from .refserver import MODEL, ReferenceServer

MODES = ("faithful", "corrupt")
# A copy of the planted instruction every this many characters of a text file,
# so most chunks (180 tokens, about 700 characters) carry one.
INSTRUCTION_EVERY_CHARS = 600
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".rst"}
_KEY = "reference-local"  # the engine sends a key; the loopback server ignores it


@dataclass
class RefRow:
    """One item of one reference pass."""

    id: str
    kind: str  # "faithful" or an error kind
    status: str  # faithful: passed, gate, fallback, model-refused, facts-lost, not-held; errors: caught, missed, n/a
    text: str = ""
    planted: str = ""  # what was planted, in words
    backend: str = ""
    notes: list[str] = field(default_factory=list)  # the engine's notes: what the check removed and why


@dataclass
class ReferenceRun:
    metrics: dict = field(default_factory=dict)
    rows: list[RefRow] = field(default_factory=list)
    modes: tuple[str, ...] = ()


def _bot(bot, url: str):
    return bot.with_settings(backend="openai", openai_base_url=url, openai_model=MODEL, openai_api_key=_KEY)


def _ask(bot, item: EvalItem) -> Answer | None:
    try:
        return bot.ask(item.query, history=item.history or None)
    except Exception:  # an engine error is a lost answer, not a crashed eval
        return None


def faithful_status(item: EvalItem, ans: Answer | None) -> str:
    """passed, gate, fallback, model-refused, facts-lost or not-held (the passages lack the answer)."""
    if ans is None:
        return "error"
    if not holds_answer(item, [p.chunk.text for p in ans.passages]):
        return "not-held"
    if ans.backend == "gate":
        return "gate"
    if ans.backend == "extractive-fallback":
        return "fallback"
    if ans.refused:
        return "model-refused"
    if ans.backend == "openai" and all(facts_found(ans.text, item.key_facts)):
        return "passed"
    return "facts-lost"


def _cited_passages(ans: Answer, n: int) -> list[str]:
    """Texts of the retrieved passages holding citation ``n``'s lines (a line may sit in two overlapping chunks)."""
    c = next((c for c in ans.citations if c.n == n), None)
    if c is None:
        return []
    return [p.chunk.text for p in ans.passages
            if p.chunk.source == c.source and p.chunk.start_line <= c.end_line and c.start_line <= p.chunk.end_line]


def caught(p: Plant, ans: Answer | None) -> bool:
    """Whether the planted error stayed away from the user."""
    if ans is None or ans.refused or ans.backend != "openai":
        return True  # refused, fell back to the extractive answer, or nothing shown
    if p.kind != "citation":
        return fact_text(p.wrong) not in fact_text(ans.text)
    # the mis-cited sentence is gone, or each of its final citations points at a passage that supports it
    want = fact_text(p.sentence).rstrip(".")
    for piece in re.split(r"(?<=[.!?])\s+", ans.text):
        if fact_text(piece).rstrip(".") != want:
            continue
        markers = [int(m) for m in re.findall(r"\[(\d+)\]", piece)]
        return bool(markers) and all(any(supports(piece, t) for t in _cited_passages(ans, n)) for n in markers)
    return True


def _planted_words(p: Plant) -> str:
    if p.kind == "citation":
        return f"'{p.sentence}' cited to passage [{p.target}]"
    return f"{p.kind}: '{p.wrong}'"


def instruction_corpus(src: Path, dst: Path) -> Path:
    """A copy of ``src`` whose text files carry :data:`INSTRUCTION_LINE` every so often."""
    shutil.copytree(src, dst)
    for f in dst.rglob("*"):
        if f.suffix.lower() not in _TEXT_SUFFIXES or not f.is_file():
            continue
        out, since = [], INSTRUCTION_EVERY_CHARS
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            out.append(line)
            since += len(line)
            if since >= INSTRUCTION_EVERY_CHARS and line.strip():
                out.append(INSTRUCTION_LINE)
                since = 0
        f.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dst


def corpus_names(bot) -> list[str]:
    """Proper names of the indexed corpus, as written there (for the "name" kind)."""
    retriever = bot.engine.retriever
    names = retriever.corpus_names()
    seen: dict[str, str] = {}
    for chunk in retriever.refresh().chunks:
        for n in names_in(chunk.text):
            w = n.split()[0]
            if w.lower() in names:
                seen.setdefault(w.lower(), w)
    return sorted(seen.values()) or sorted(n.title() for n in names)


def run_reference(bot, items: list[EvalItem], modes=MODES, kinds=KINDS, progress=None) -> ReferenceRun:
    """Run the faithful and/or corrupting passes on ``items``; ``bot`` is an ingested Assistant."""
    run = ReferenceRun(modes=tuple(modes))
    names = corpus_names(bot)
    with ReferenceServer(items, names) as srv:
        ref = _bot(bot, srv.url)
        if "faithful" in modes:
            srv.set_mode("faithful")
            for item in _each(items, progress, "faithful"):
                ans = _ask(ref, item)
                run.rows.append(RefRow(item.id, "faithful", faithful_status(item, ans) if item.answerable else "unanswerable",
                                       ans.text if ans else "", backend=ans.backend if ans else "",
                                       notes=list(ans.notes) if ans else []))
        if "corrupt" in modes:
            for kind in kinds:
                if kind == "instruction":
                    continue
                srv.set_mode("corrupt", kind)
                _corrupt_pass(ref, srv, items, kind, run, progress)
    if "corrupt" in modes and "instruction" in kinds:
        _instruction_pass(bot, items, names, run, progress)
    run.metrics = summarise(run.rows, run.modes, kinds)
    return run


def _each(items, progress, desc):
    return progress(items, desc) if progress else items


def _corrupt_pass(ref, srv: ReferenceServer, items, kind, run: ReferenceRun, progress) -> None:
    for item in _each([i for i in items if i.answerable], progress, kind):
        ans = _ask(ref, item)
        p = srv.plants.get(item.id)
        if p is None:
            run.rows.append(RefRow(item.id, kind, "n/a", ans.text if ans else ""))
        else:
            run.rows.append(RefRow(item.id, kind, "caught" if caught(p, ans) else "missed", ans.text if ans else "",
                                   _planted_words(p), ans.backend if ans else "", list(ans.notes) if ans else []))


def _instruction_pass(bot, items, names, run: ReferenceRun, progress) -> None:
    with tempfile.TemporaryDirectory(prefix="eval-instruction-") as tmp:
        corpus = instruction_corpus(Path(bot.settings.corpus_dir), Path(tmp) / "corpus")
        planted = bot.with_settings(corpus_dir=corpus, index_dir=Path(tmp) / "index", chroma_url="",
                                    collection="instruction")
        planted.ingest()
        with ReferenceServer(items, names, "corrupt", "instruction") as srv:
            _corrupt_pass(_bot(planted, srv.url), srv, items, "instruction", run, progress)


def summarise(rows: list[RefRow], modes, kinds) -> dict:
    """The report rows: model_answers_passed with where answers were lost, errors_caught_<kind> with counts."""
    m: dict = {}
    if "faithful" in modes:
        f = [r for r in rows if r.kind == "faithful"]
        held = [r for r in f if r.status not in ("not-held", "unanswerable")]
        m["model_answers_passed"] = _share(sum(r.status == "passed" for r in held), len(held))
        m["reference_items_held"] = len(held)
        for status in ("passed", "gate", "fallback", "model-refused", "facts-lost", "error"):
            m[f"reference_{status.replace('-', '_')}"] = sum(r.status == status for r in held)
        m["reference_not_held"] = sum(r.status == "not-held" for r in f)
        un = [r for r in f if r.status == "unanswerable"]
        m["reference_unanswerable_refused"] = _share(sum(r.text.strip() == prompts.REFUSAL for r in un), len(un))
    if "corrupt" in modes:
        for kind in kinds:
            k = [r for r in rows if r.kind == kind]
            applied = [r for r in k if r.status != "n/a"]
            m[f"errors_caught_{kind}"] = _share(sum(r.status == "caught" for r in applied), len(applied))
            m[f"errors_applied_{kind}"] = len(applied)
            m[f"errors_not_applicable_{kind}"] = len(k) - len(applied)
    return m


def _share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None
