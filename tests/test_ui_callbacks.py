"""The chat UI's callbacks and HTML, without a browser: citations, refusals, escaping,
per-session state, stop/retry/clear, uploads and the corpus panel."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.errors import EmptyIndexError, LLMUnavailableError, UploadRejectedError
from assistant.settings import Settings
from assistant.types import Answer, Citation, FileResult, IngestReport
from assistant.ui import callbacks as cb
from assistant.ui import render
from assistant.ui.session import BotPool, Session
from assistant.ui.uploads import REMOVED_DIR, retire, safe_name, save_upload

XSS = '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))'


# -- fakes --------------------------------------------------------------------------
class FakeStream:
    def __init__(self, deltas, answer, fail=None):
        self._deltas, self._answer, self._fail = deltas, answer, fail

    def __iter__(self):
        for d in self._deltas:
            yield d
        if self._fail:
            raise self._fail

    @property
    def answer(self):
        return self._answer


@dataclass
class FakeBot:
    """Stands in for Assistant: records what it was asked, answers from a script."""

    settings: Settings = field(default_factory=Settings)
    script: list = field(default_factory=list)  # Answer or Exception per question, in order
    asked: list = field(default_factory=list)  # (question, history) pairs
    context: object = None

    def stream(self, question, history=None):
        self.asked.append((question, [dict(m) for m in history or []]))
        item = self.script.pop(0) if self.script else _answer(f"About {question} [1].")
        if isinstance(item, Exception):
            return FakeStream(["partial "], None, fail=item)
        words = [w + " " for w in item.text.split()]
        return FakeStream(words, item)

    def with_settings(self, **changes):
        return FakeBot(self.settings.replace(**changes), self.script, self.asked, self.context)

    def source_context(self, source, start, end, around=3):
        return self.context

    def file_details(self):
        return []


def _cite(n=1, source="a.txt", start=3, end=3, quote="Xiaomi was founded in 2010.", score=0.57):
    return Citation(n, source, start, end, quote, score)


def _answer(text="Xiaomi was founded in 2010 [1].", cites=None, **kw):
    cites = [_cite()] if cites is None else cites
    return Answer(text=text, citations=cites, backend=kw.pop("backend", "local"), timings={"total": 1.2}, **kw)


def _ctx(bot=None):
    return cb.Context(BotPool(bot or FakeBot()))


def _last(gen):
    out = None
    for out in gen:
        pass
    return out


# -- rendering ----------------------------------------------------------------------
def test_markers_become_links_to_their_citation_and_unknown_ones_stay_text():
    html = render.link_markers("Founded in 2010 [1]. Also [7].", 4, [_cite(1, "docs/a.txt", 3, 5)])
    assert '<a class="dc-cite" href="#cite-4-1" title="docs/a.txt, lines 3\u20135">[1]</a>' in html
    assert "[7]" in html and "#cite-4-7" not in html


def test_sources_list_shows_file_lines_and_score_under_the_answer():
    ans = _answer(cites=[_cite(1, "000_x.txt", 12, 12, score=0.571), _cite(2, "b.md", 3, 4, score=0.4)])
    html = render.answer_html(0, ans)
    assert "Sources" in html and "000_x.txt" in html and "line 12" in html and "score 0.57" in html
    assert "lines 3\u20134" in html and "score 0.40" in html
    assert "dc-refused" not in html and "dc-badge-local" in html and 'href="#copy-0"' in html


def test_refusal_looks_different_and_shows_no_sources():
    ans = Answer(text="I couldn't find this in the documents.", refused=True, backend="gate",
                 notes=["weak support in the documents (0.20 < 0.45)"])
    html = render.answer_html(2, ans)
    assert "dc-refused" in html and "Not in the documents" in html
    assert "don't cover this" in html.replace("&#x27;", "'")
    assert "dc-sources" not in html and "dc-cite" not in html
    assert "weak support" in html  # the reason sits behind "Why?"


def test_a_misspelt_word_read_another_way_is_shown_with_the_answer():
    ans = _answer(cites=[_cite(1, "security.md", 3, 3)])
    ans.read_as = {"pasword": "password", "<b>x": "y"}
    html = render.answer_html(0, ans)
    assert "read \u201cpasword\u201d as \u201cpassword\u201d" in html and "<b>x" not in html
    assert "read \u201c" not in render.answer_html(0, _answer(cites=[_cite(1, "security.md", 3, 3)]))


def test_fallback_answers_say_why_and_name_the_backend():
    ans = _answer(backend="extractive-fallback", notes=["The local model's draft failed the check."])
    html = render.answer_html(0, ans)
    assert "extractive (fallback)" in html and "failed the check" in html


def test_every_text_is_escaped_answers_questions_sources_and_errors():
    ans = _answer(text=XSS + " [1]", cites=[_cite(quote=XSS, source="<b>evil</b>.txt")])
    pieces = [
        render.answer_html(0, ans),
        render.question_html(XSS),
        render.streaming_html(XSS),
        render.error_html(XSS + " Fix: " + XSS),
        render.source_panel_html(ans.citations[0]),
        render.source_panel_html(ans.citations[0], 2, ["before", XSS, "after"]),
        render.files_html([], [FileResult("<i>x</i>.txt", "skipped", reason=XSS)]),
    ]
    for html in pieces:
        assert "<script" not in html and "<img" not in html and "<b>evil" not in html and "<i>x" not in html
        assert 'href="javascript' not in html
    assert "&lt;script&gt;" in pieces[0] and "[click](javascript:alert(3))" in pieces[0]


def test_source_panel_highlights_the_quote_inside_its_lines():
    c = _cite(1, "a.txt", 3, 4, quote="founded in 2010, Xiaomi quickly gained fame")
    lines = ["Title", "", "Xiaomi was founded in 2010,", "Xiaomi quickly gained fame.", "Next part"]
    html = render.source_panel_html(c, 1, lines)
    assert "a.txt" in html and "lines 3\u20134" in html
    hits = re.findall(r'<div class="dc-line dc-hit"><span class="dc-ln">(\d+)</span>', html)
    assert hits == ["3", "4"]
    marked = "".join(re.findall(r"<mark>(.*?)</mark>", html))
    assert marked == "founded in 2010,Xiaomi quickly gained fame"  # the quote, split at the line end
    assert ">Next part<" in html  # context after the cited lines


def test_source_panel_without_context_shows_the_quote_and_why():
    html = render.source_panel_html(_cite(), note="The file has changed since it was indexed.")
    assert "<mark>Xiaomi was founded in 2010.</mark>" in html and "changed since" in html


def test_error_message_puts_the_fix_on_its_own_line():
    html = render.error_html(LLMUnavailableError("The LLM server at http://x is unreachable.").user_message())
    assert "unreachable" in html and '<div class="dc-fix"><b>Fix:</b>' in html


def test_files_table_lists_chunks_time_and_skip_reasons():
    from assistant.api import FileDetail

    html = render.files_html([FileDetail("a.txt", 3, 1_700_000_000.0), FileDetail("old.md", 2, None)],
                             [FileResult("blob.txt", "skipped", reason="binary file (not text)")])
    assert "a.txt" in html and ">3<" in html and "2023-11-1" in html
    assert "\u2014" in html  # unknown time for an old index
    assert "skipped: binary file (not text)" in html
    assert "2 files indexed, 5 chunks" in html


def test_ingest_report_lists_each_file_outcome():
    rep = IngestReport(files=[FileResult("n.txt", "added", chunks=1), FileResult("b.txt", "skipped", reason="binary file (not text)")])
    html = render.report_html(rep, saved=["n.txt"], rejected=["x.exe: not supported"])
    assert "saved n.txt" in html and "n.txt: added (1 chunk)" in html
    assert "b.txt: skipped: binary file (not text)" in html and "x.exe: not supported" in html


# -- chat callbacks -----------------------------------------------------------------
def test_respond_streams_then_renders_the_final_answer():
    ctx = _ctx(FakeBot(script=[_answer("Xiaomi was founded in 2010 [1].")]))
    s = Session()
    updates = list(cb.respond(ctx, "When was Xiaomi founded?", s))
    assert len(updates) >= 4  # the question, several deltas, the final answer
    streamed = [u[0][-1]["content"] for u in updates[:-1]]
    assert all("dc-streaming" in m for m in streamed)
    assert len({m for m in streamed}) >= 3  # the text grew token by token
    final, sess, box = updates[-1]
    assert box == "" and sess is s
    assert final[0] == {"role": "user", "content": render.question_html("When was Xiaomi founded?")}
    assert "#cite-0-1" in final[1]["content"] and "dc-streaming" not in final[1]["content"]


def test_sessions_keep_separate_histories():
    bot = FakeBot()
    ctx = _ctx(bot)
    a, b = Session(), Session()
    _last(cb.respond(ctx, "first in A", a))
    _last(cb.respond(ctx, "first in B", b))
    _last(cb.respond(ctx, "follow-up in A", a))
    q, history = bot.asked[-1]
    assert q == "follow-up in A"
    assert [m["content"] for m in history if m["role"] == "user"] == ["first in A"]
    assert [t.question for t in b.turns] == ["first in B"]
    assert len(a.messages()) == 4 and len(b.messages()) == 2


def test_settings_changes_apply_to_the_next_question_of_that_tab_only():
    bot = FakeBot()
    ctx = _ctx(bot)
    a, b = Session(), Session()
    a, status = cb.apply_settings(ctx, a, "extractive", "", 3, False)
    assert a.overrides == {"top_k": 3, "answer_check": False}
    assert "top-k <b>3</b>" in status and "answer check <b>off</b>" in status
    assert ctx.pool.get(a.overrides).settings.top_k == 3
    assert ctx.pool.get(a.overrides) is ctx.pool.get(dict(a.overrides))  # shared, not rebuilt
    assert ctx.pool.get(b.overrides) is bot


def test_bad_settings_show_a_friendly_note_and_change_nothing():
    ctx = _ctx()
    s = Session()
    s, status = cb.apply_settings(ctx, s, "local", "/no/such/model.gguf", 5, True)
    assert s.overrides == {} and "dc-bad" in status and "No model file" in status


def test_errors_become_chat_messages_with_the_fix():
    ctx = _ctx(FakeBot(script=[EmptyIndexError("The index is empty."), RuntimeError("boom at /secret/path")]))
    s = Session()
    msgs = _last(cb.respond(ctx, "q1", s))[0]
    assert "dc-error" in msgs[-1]["content"] and "The index is empty." in msgs[-1]["content"] and "Fix:" in msgs[-1]["content"]
    msgs = _last(cb.respond(ctx, "q2", s))[0]
    assert "Unexpected error (RuntimeError)" in msgs[-1]["content"]
    assert "Traceback" not in msgs[-1]["content"] and "/secret/path" not in msgs[-1]["content"]
    assert s.history() == []  # failed turns are not sent as history


def test_stop_marks_the_answer_and_the_stream_ends():
    ctx = _ctx()
    s = Session()
    gen = cb.respond(ctx, "a long question", s)
    next(gen), next(gen)
    msgs, s2 = cb.stop(s)
    assert "Stopped" in msgs[-1]["content"] and s.turns[-1].stopped
    rest = list(gen)  # the running answer notices after its current step
    assert len(rest) == 1 and "Stopped" in rest[0][0][-1]["content"]
    assert s.history() == []


def test_clear_while_answering_ends_the_answer_with_an_empty_chat():
    ctx = _ctx()
    s = Session()
    gen = cb.respond(ctx, "a long question", s)
    next(gen), next(gen)
    cb.clear(s)
    rest = list(gen)
    assert rest[-1][0] == [] and rest[-1][1].turns == []


def test_retry_asks_the_last_question_again_in_place():
    bot = FakeBot(script=[LLMUnavailableError("down"), _answer("Now it works [1].")])
    ctx = _ctx(bot)
    s = Session()
    _last(cb.respond(ctx, "q", s))
    msgs = _last(cb.retry(ctx, s))[0]
    assert len(s.turns) == 1 and s.turns[0].answer.text == "Now it works [1]."
    assert len(msgs) == 2 and "Now it works" in msgs[1]["content"]
    assert [q for q, _ in bot.asked] == ["q", "q"]


def test_clear_forgets_the_conversation_but_keeps_settings():
    ctx = _ctx()
    s = Session(overrides={"top_k": 2})
    _last(cb.respond(ctx, "q", s))
    msgs, fresh, panel = cb.clear(s)
    assert msgs == [] and fresh.turns == [] and fresh.overrides == {"top_k": 2}
    assert fresh is s  # in place, so an answer still running sees it
    assert panel == render.SOURCE_PLACEHOLDER


def test_show_source_finds_the_citation_of_that_session_only():
    from assistant.api import SourceContext

    bot = FakeBot(context=SourceContext("a.txt", 3, 3, 1, ["one", "two", "Xiaomi was founded in 2010.", "four"]))
    ctx = _ctx(bot)
    a, other = Session(), Session()
    _last(cb.respond(ctx, "q", a))
    html = cb.show_source(ctx, "0:1:1712345", a)
    assert "<mark>Xiaomi was founded in 2010.</mark>" in html and "a.txt" in html
    assert cb.show_source(ctx, "0:1:1712345", other) == render.SOURCE_PLACEHOLDER
    for bad in ("", "0:9", "x:1", "0:1; rm -rf /", "-1:1"):
        assert cb.show_source(ctx, bad, a) == render.SOURCE_PLACEHOLDER
    bot.context = None  # file changed since indexing: the stored quote still shows
    assert "only the cited passage" in cb.show_source(ctx, "0:1", a)


def test_example_questions_come_from_the_corpus_examples_file(tmp_path):
    (tmp_path / ".examples.txt").write_text("# comment\nWhen was Xiaomi founded?\n\nHow many cars?\n", encoding="utf-8")
    ctx = _ctx(FakeBot(settings=Settings().replace(corpus_dir=tmp_path)))
    assert cb.example_questions(ctx) == ["When was Xiaomi founded?", "How many cars?"]


# -- uploads ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/shadow", "..", "", "notes.exe", "CON.txt", "a.txt/"])
def test_unsafe_or_unsupported_names_are_rejected(name):
    with pytest.raises(UploadRejectedError):
        safe_name(name)


@pytest.mark.parametrize("name,want", [
    ("../../x.txt", "x.txt"),
    ("C:\\Users\\me\\report.PDF", "report.PDF"),
    (".hidden.md", "hidden.md"),
    ("a b\x00c<d>.html", "a bc_d_.html"),
    ("résumé.txt", "résumé.txt"),
])
def test_names_are_reduced_to_a_plain_file_name(name, want):
    assert safe_name(name) == want


def test_save_upload_lands_inside_the_corpus_and_checks_size(tmp_path):
    corpus = tmp_path / "corpus"
    src = tmp_path / "upload.bin"
    src.write_text("hello\n")
    saved = save_upload(corpus, src, "../../../escape.txt", max_file_mb=1)
    assert saved.source == "escape.txt" and not saved.replaced
    assert (corpus / "escape.txt").read_text() == "hello\n"
    assert not (tmp_path / "escape.txt").exists()
    assert save_upload(corpus, src, "escape.txt", max_file_mb=1).replaced
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2_000_001)
    with pytest.raises(UploadRejectedError, match="too large"):
        save_upload(corpus, big, "big.txt", max_file_mb=2)
    assert sorted(p.name for p in corpus.iterdir()) == ["escape.txt"]  # no temp files left


def test_retire_moves_a_file_out_of_the_corpus_and_refuses_escapes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("a")
    (tmp_path / "outside.txt").write_text("keep")
    assert retire(corpus, "a.txt") == corpus / REMOVED_DIR / "a.txt"
    assert not (corpus / "a.txt").exists()
    assert retire(corpus, "../outside.txt") is None and (tmp_path / "outside.txt").exists()
    assert retire(corpus, "missing.txt") is None


# -- the corpus panel against a real Assistant and store (hash embedder: no model) ---
class HashEmbedder:
    def _v(self, text):
        h = hashlib.sha256(text.encode()).digest()
        v = [((h[i % 32] ^ (i * 37)) % 255) / 255.0 - 0.5 for i in range(384)]
        n = sum(x * x for x in v) ** 0.5
        return [x / n for x in v]

    def get_text_embedding_batch(self, texts, **kw):
        return [self._v(t) for t in texts]

    def get_text_embedding(self, text):
        return self._v(text)

    get_query_embedding = get_text_embedding


@pytest.fixture
def real_ctx(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "moss.txt").write_text("Title\n\nThe Lunar Garden grows 340 species of moss.\nIt opened in 2019.\n", encoding="utf-8")
    bot = Assistant(Settings().replace(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=HashEmbedder())
    return cb.Context(BotPool(bot), skipped=list(bot.ingest().skipped))


def test_upload_reindex_and_remove_through_the_callbacks(real_ctx, tmp_path):
    good = tmp_path / "up" / "notes.md"
    good.parent.mkdir()
    good.write_text("# Notes\nThe harbour opened in 1901.\n", encoding="utf-8")
    blob = tmp_path / "up" / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 4)
    bad = tmp_path / "up" / "tool.exe"
    bad.write_bytes(b"MZ")
    calls = []
    table, report, names = cb.upload(real_ctx, [str(good), str(blob), str(bad)], progress=lambda *a: calls.append(a))
    assert "notes.md: added" in report and "blob.txt: skipped: binary file" in report and "tool.exe" in report
    assert "skipped: binary file" in table and "notes.md" in table and "moss.txt" in table
    assert calls and calls[-1][0] == calls[-1][1]  # progress reached the end
    assert names == ["blob.txt", "moss.txt", "notes.md"]
    details = {d.source: d for d in real_ctx.bot.file_details()}
    assert details["notes.md"].chunks >= 1 and details["notes.md"].indexed_at
    table, msg, names = cb.remove(real_ctx, "notes.md")
    assert "Removed notes.md" in msg and "notes.md" not in names
    assert not (real_ctx.settings.corpus_dir / "notes.md").exists()
    table, report, names = cb.reindex(real_ctx)  # stays removed after a re-index
    assert "notes.md" not in names and "notes.md" not in table


def test_source_context_reads_the_lines_around_a_citation(real_ctx):
    sc = real_ctx.bot.source_context("moss.txt", 3, 3, around=1)
    assert sc.first_line == 2 and sc.lines == ["", "The Lunar Garden grows 340 species of moss.", "It opened in 2019."]
    assert real_ctx.bot.source_context("../etc/passwd", 1, 1) is None
    assert real_ctx.bot.source_context("moss.txt", 9, 9) is None
    (real_ctx.settings.corpus_dir / "moss.txt").write_text("changed\n", encoding="utf-8")
    assert real_ctx.bot.source_context("moss.txt", 1, 1) is None  # line numbers would be wrong now


def test_errors_name_the_fix_in_ui_terms():
    msg = cb.friendly(EmptyIndexError("The index is empty."))
    assert msg.startswith("The index is empty.") and "Documents tab" in msg


# -- launching ------------------------------------------------------------------------
def test_launch_binds_to_loopback_and_uses_auth_only_when_set():
    from assistant.ui.app import launch_options

    opts = launch_options(Settings())
    assert opts["server_name"] == "127.0.0.1" and opts["auth"] is None
    opts = launch_options(Settings().replace(auth="ann:s3cret:with-colon", max_file_mb=5, host="0.0.0.0"))
    assert opts["auth"] == ("ann", "s3cret:with-colon") and opts["server_name"] == "0.0.0.0"
    assert opts["max_file_size"] >= 5_000_000 and opts["js"] and opts["css"]


def test_the_app_builds_with_its_controls(real_ctx):
    from assistant.ui.app import build

    demo = build(real_ctx.bot)
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    for wanted in ("dc-chat", "dc-input", "dc-send", "dc-stop", "dc-retry", "dc-clear", "dc-copy-last",
                   "dc-source", "dc-upload", "dc-reindex", "dc-remove", "dc-backend", "dc-model", "dc-topk",
                   "dc-check", "dc-cite-box", "dc-cite-go"):
        assert wanted in ids, wanted


def test_an_empty_corpus_answers_with_a_friendly_message(tmp_path):
    (tmp_path / "corpus").mkdir()
    bot = Assistant(Settings().replace(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index"), embedder=HashEmbedder())
    ctx = cb.Context(BotPool(bot))
    table, report, names = cb.reindex(ctx)
    assert "has no documents" in report and "Documents tab" in report and names == []
    assert cb.example_questions(ctx) == []
    msgs = _last(cb.respond(ctx, "When was Xiaomi founded?", Session()))[0]
    assert "dc-error" in msgs[-1]["content"] and "Documents tab" in msgs[-1]["content"]
    assert "No documents are indexed yet" in cb.files_view(ctx)[0]
