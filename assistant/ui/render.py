"""Pure functions that turn answers, sources and files into HTML (testable without a browser).

The chat shows HTML, not markdown, so every piece of document or model text
goes through :func:`text_html` (``html.escape``): a passage holding
``<script>`` or a ``[link](javascript:...)`` shows as the characters it is.
The only markup is what these functions write themselves. Gradio's sanitizer
drops ``data-*`` attributes, so a citation carries its address in its
``href`` (``#cite-<turn>-<n>``), which ``theme.JS`` reads on click.
"""
from __future__ import annotations

import html
import re
import time
from typing import Iterable

from ..types import Answer, Citation, FileResult

_MARK = re.compile(r"\[(\d+)\]")


def esc(s: object) -> str:
    """HTML-escape any value, quotes included (safe inside attributes too)."""
    return html.escape(str(s), quote=True)


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, with line breaks kept."""
    return esc(text.strip("\n")).replace("\n", "<br>")


def lines_label(start: int, end: int) -> str:
    return f"line {start}" if start == end else f"lines {start}\u2013{end}"


def where_label(c: Citation) -> str:
    """Where a citation points, as a person looks for it: "page 7", "slide 3", "sheet Prices, row 12", "lines 3–5"."""
    return c.label or lines_label(c.start_line, c.end_line)


def cite_link(turn: int, c: Citation) -> str:
    """An inline ``[n]`` that opens the source panel."""
    tip = f"{c.source}, {where_label(c)}"
    return f'<a class="dc-cite" href="#cite-{turn}-{c.n}" title="{esc(tip)}">[{c.n}]</a>'


def link_markers(text: str, turn: int, citations: Iterable[Citation]) -> str:
    """Escaped ``text`` with each ``[n]`` that has a citation turned into a link."""
    by_n = {c.n: c for c in citations}

    def repl(m: re.Match) -> str:
        c = by_n.get(int(m.group(1)))
        return cite_link(turn, c) if c else m.group(0)

    return _MARK.sub(repl, text_html(text))


def sources_html(turn: int, citations: list[Citation]) -> str:
    """The compact list under an answer: file, lines, score."""
    rows = "".join(
        f'<li>{cite_link(turn, c)} <span class="dc-file">{esc(c.source)}</span>'
        f' <span class="dc-lines">{esc(where_label(c))}</span>'
        f' <span class="dc-score" title="similarity of the passage to the question">score {c.score:.2f}</span></li>'
        for c in citations
    )
    return f'<div class="dc-sources"><div class="dc-sources-title">Sources</div><ol>{rows}</ol></div>'


def backend_badge(backend: str) -> str:
    label = {
        "extractive-fallback": "extractive (fallback)",
        "gate": "refusal gate",
        "guard": "input guard",
    }.get(backend, backend or "unknown")
    return f'<span class="dc-badge dc-badge-{esc(backend or "unknown")}" title="which backend produced this answer">{esc(label)}</span>'


def _meta(turn: int, ans: Answer, copy: bool = True) -> str:
    secs = ans.timings.get("total")
    parts = [f"answered by {backend_badge(ans.backend)}"]
    if ans.read_as:
        parts.append("read " + ", ".join(f"\u201c{esc(typed)}\u201d as \u201c{esc(read)}\u201d" for typed, read in ans.read_as.items()))
    if secs:
        parts.append(f"{secs:.1f}s")
    if copy:
        parts.append(f'<a class="dc-copy" href="#copy-{turn}" title="copy the answer and its sources">Copy</a>')
    return '<div class="dc-meta">' + " \u00b7 ".join(parts) + "</div>"


def answer_html(turn: int, ans: Answer) -> str:
    """A finished answer: text with clickable markers, the sources list, the backend."""
    if ans.refused:
        return refusal_html(turn, ans)
    # A fallback says why; a checked model answer says what the check removed or re-pointed.
    shown = ans.backend == "extractive-fallback" or bool(ans.claims)
    notes = "".join(f'<div class="dc-note">{esc(n)}</div>' for n in ans.notes if shown)
    return (
        f'<div class="dc-answer" id="dc-turn-{turn}"><div class="dc-body">{link_markers(ans.text, turn, ans.citations)}</div>'
        f"{sources_html(turn, ans.citations) if ans.citations else ''}{notes}{_meta(turn, ans)}</div>"
    )


def refusal_html(turn: int, ans: Answer) -> str:
    """A refusal: no sources, and a short note that the documents don't cover it."""
    why = "".join(f"<li>{esc(n)}</li>" for n in ans.notes)
    details = f'<details class="dc-why"><summary>Why?</summary><ul>{why}</ul></details>' if why else ""
    return (
        f'<div class="dc-answer dc-refused" id="dc-turn-{turn}">'
        f'<div class="dc-refusal-title">Not in the documents</div>'
        f'<div class="dc-body">{text_html(ans.text)}</div>'
        f'<div class="dc-note">The documents don\'t cover this, so there are no sources to show. '
        f"Try rephrasing, or add a document that covers it.</div>{_closest_html(ans)}{details}{_meta(turn, ans, copy=False)}</div>"
    )


def _place(c: Citation) -> str:
    return f"{c.source}, {c.label}" if c.label and "line" not in c.locator else f"{c.source}:{c.start_line}-{c.end_line}"


def _closest_html(ans: Answer) -> str:
    """The nearest passages of a refusal, plainly labelled as not an answer (never as sources)."""
    if not ans.closest:
        return ""
    items = "".join(f"<li><code>{esc(_place(c))}</code> {esc(c.quote[:160])}</li>" for c in ans.closest)
    return f'<details class="dc-closest"><summary>Closest passages, not an answer</summary><ul>{items}</ul></details>'



def streaming_html(text: str) -> str:
    """An answer still being written; markers are not links yet (their numbers may change)."""
    body = text_html(text) if text.strip() else '<span class="dc-wait">Searching the documents\u2026</span>'
    return f'<div class="dc-answer dc-streaming"><div class="dc-body">{body}<span class="dc-caret"></span></div></div>'


def stopped_html(text: str) -> str:
    body = f'<div class="dc-body">{text_html(text)}</div>' if text.strip() else ""
    return f'<div class="dc-answer dc-stopped">{body}<div class="dc-note">Stopped. Press Retry to ask again.</div></div>'


def error_html(message: str) -> str:
    """A friendly error in the chat: what went wrong, and the fix on its own line."""
    problem, _, fix = message.partition(" Fix: ")
    fix_html = f'<div class="dc-fix"><b>Fix:</b> {esc(fix)}</div>' if fix else ""
    return f'<div class="dc-answer dc-error"><div class="dc-error-title">Something went wrong</div><div class="dc-body">{esc(problem)}</div>{fix_html}</div>'


def question_html(text: str) -> str:
    return f'<div class="dc-question">{text_html(text)}</div>'


# -- the source panel -------------------------------------------------------------
SOURCE_PLACEHOLDER = (
    '<div class="dc-source dc-source-empty"><div class="dc-source-title">Source</div>'
    "<p>Click a <span class=\"dc-cite-sample\">[n]</span> marker in an answer to see the passage here, "
    "highlighted in its surrounding text.</p></div>"
)


def source_panel_html(c: Citation, first_line: int | None = None, lines: list[str] | None = None, *, note: str = "",
                      gutter: list[str] | None = None) -> str:
    """The cited passage inside its surrounding lines (its page, slide, rows or section), the quote highlighted.

    ``gutter`` replaces the line numbers in the number column (a PDF page's
    own line numbers, sheet rows, paragraphs). Without ``lines`` (file gone,
    changed since indexing, unreadable) only the stored quote is shown, with
    ``note`` saying why.
    """
    head = (
        f'<div class="dc-source-head"><span class="dc-source-n">[{c.n}]</span> '
        f'<span class="dc-file">{esc(c.source)}</span> '
        f'<span class="dc-lines">{esc(where_label(c))}</span> '
        f'<span class="dc-score">score {c.score:.2f}</span></div>'
    )
    if lines is None or first_line is None:
        body = f'<div class="dc-passage"><mark>{text_html(c.quote)}</mark></div>'
        foot = f'<div class="dc-note">{esc(note)}</div>' if note else ""
        return f'<div class="dc-source" id="dc-source-{c.n}">{head}{body}{foot}</div>'
    return f'<div class="dc-source" id="dc-source-{c.n}">{head}<div class="dc-passage">{_numbered(c, first_line, lines, gutter)}</div></div>'


def _numbered(c: Citation, first_line: int, lines: list[str], gutter: list[str] | None = None) -> str:
    cited = range(c.start_line, c.end_line + 1)
    block = [ln for i, ln in enumerate(lines, start=first_line) if i in cited]
    spans = _quote_spans("\n".join(block), c.quote)
    out, offset = [], 0
    for i, ln in enumerate(lines, start=first_line):
        if i in cited:
            inner = _marked(ln, offset, spans)
            offset += len(ln) + 1
            cls = "dc-line dc-hit"
        else:
            inner, cls = esc(ln), "dc-line" if ln.strip() else "dc-line dc-blank"
        num = esc(gutter[i - first_line]) if gutter is not None and i - first_line < len(gutter) else i
        out.append(f'<div class="{cls}"><span class="dc-ln">{num}</span><span class="dc-tx">{inner or "&nbsp;"}</span></div>')
    return "".join(out)


def _quote_spans(block: str, quote: str) -> list[tuple[int, int]]:
    """Where ``quote`` sits in ``block`` (whitespace-insensitive); empty if nowhere."""
    words = quote.split()
    if not words:
        return []
    m = re.search(r"\s+".join(map(re.escape, words)), block)
    return [(m.start(), m.end())] if m else []


def _marked(line: str, offset: int, spans: list[tuple[int, int]]) -> str:
    for s, e in spans:
        a, b = max(s - offset, 0), min(e - offset, len(line))
        if a < b:
            return f"{esc(line[:a])}<mark>{esc(line[a:b])}</mark>{esc(line[b:])}"
    return esc(line)


# -- the corpus panel ---------------------------------------------------------------
def when(ts: float | None) -> str:
    """A short local time like "2024-05-01 14:03", or an em dash when unknown."""
    if not ts:
        return "\u2014"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def files_html(files, skipped: list[FileResult]) -> str:
    """Indexed files (chunks, last indexed) and files the last re-index skipped, with the reason."""
    rows = [
        f'<tr><td class="dc-file">{esc(f.source)}</td><td class="dc-ok">indexed</td>'
        f'<td class="dc-num">{f.chunks}</td><td>{when(f.indexed_at)}</td></tr>'
        for f in files
    ]
    indexed = {f.source for f in files}
    for s in skipped:
        status = f"skipped: {s.reason}"
        if s.source in indexed:  # the old version stays searchable; say so on its own row
            status = f"new version skipped: {s.reason}"
        rows.append(f'<tr class="dc-skip"><td class="dc-file">{esc(s.source)}</td><td colspan="3">{esc(status)}</td></tr>')
    if not rows:
        return '<div class="dc-files dc-empty">No documents are indexed yet. Upload some below.</div>'
    total = sum(f.chunks for f in files)
    head = "<tr><th>File</th><th>Status</th><th>Chunks</th><th>Last indexed</th></tr>"
    cap = f"<caption>{len(files)} file{'s' if len(files) != 1 else ''} indexed, {total} chunks</caption>"
    return f'<div class="dc-files"><table>{cap}<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'


def report_html(report, saved: list[str] = (), rejected: list[str] = ()) -> str:
    """What an upload and re-index did, file by file, in plain words."""
    items = [f'<li class="dc-ok">saved {esc(s)}</li>' for s in saved]
    items += [f'<li class="dc-bad">{esc(r)}</li>' for r in rejected]
    if report is not None:
        for f in report.files:
            if f.status == "skipped":
                items.append(f'<li class="dc-bad">{esc(f.source)}: skipped: {esc(f.reason)}</li>')
            elif f.status in ("added", "changed"):
                note = f"; {f.note}" if getattr(f, "note", "") else ""
                items.append(f'<li class="dc-ok">{esc(f.source)}: {f.status} ({f.chunks} chunk{"s" if f.chunks != 1 else ""}{esc(note)})</li>')
            elif f.status == "removed":
                items.append(f"<li>{esc(f.source)}: removed from the index</li>")
        items.append(f"<li>Re-index done: {esc(report.summary())} ({report.seconds:.1f}s)</li>")
    return f'<ul class="dc-report">{"".join(items)}</ul>' if items else ""


def notice_html(text: str, ok: bool = True) -> str:
    return f'<div class="dc-notice {"dc-ok" if ok else "dc-bad"}">{esc(text)}</div>'
