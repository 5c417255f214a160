"""Build the Gradio app: layout and event wiring only (assistant.http.serve serves it beside the API).

What each button does lives in :mod:`.callbacks` (plain functions), the HTML
in :mod:`.render`, the look and the click script in :mod:`.theme`.
"""
from __future__ import annotations

import gradio as gr

from ..loaders import SUPPORTED
from ..settings import BACKENDS, Settings
from ..types import IngestReport
from . import callbacks as cb
from .render import SOURCE_PLACEHOLDER, esc
from .session import BotPool, Session
from .theme import CSS, JS, theme

TITLE = "Document assistant"


def build(bot, report: IngestReport | None = None, ctx: cb.Context | None = None):
    """The Gradio Blocks app for one :class:`~assistant.api.Assistant` (shared by all tabs).

    ``ctx`` is passed in when the HTTP API serves beside the UI, so that both
    share the assistants and the answer and corpus locks.
    """
    ctx = ctx or cb.Context(BotPool(bot), skipped=list(report.skipped) if report else [])
    s = bot.settings
    examples = cb.example_questions(ctx)

    def progress_cb(progress):
        return lambda done, total, source: progress((done, total), desc=f"Indexing {source}" if source else "Indexing", unit="files")

    # Thin adapters: Gradio reads these signatures (gr.Progress, gr.SelectData), the logic stays in callbacks.
    def on_ask(question, session):
        yield from cb.respond(ctx, question, session)

    def on_retry(session):
        yield from cb.retry(ctx, session)

    def on_example(session, evt: gr.SelectData):
        value = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value or "")
        yield from cb.respond(ctx, value, session)

    def on_upload(paths, progress=gr.Progress()):
        return with_choices(*cb.upload(ctx, paths, progress_cb(progress)))

    def on_reindex(progress=gr.Progress()):
        return with_choices(*cb.reindex(ctx, progress_cb(progress)))

    def on_remove(src):
        return with_choices(*cb.remove(ctx, src))

    def on_backend(backend, session):
        eff = cb.effective(ctx, session)
        return gr.update(value=cb.model_label(eff, backend), interactive=backend != "extractive")

    def on_load():
        table, names = cb.files_view(ctx)
        return with_choices(table, "", names)

    def with_choices(table, msg, names):
        return table, msg, gr.update(choices=names, value=None)

    with gr.Blocks(title=TITLE, fill_width=False) as demo:
        session = gr.State(Session())
        with gr.Row(elem_id="dc-header", equal_height=True):
            gr.HTML(
                f"<div><h1>{TITLE}</h1><div class='dc-sub'>Answers only from the documents in "
                f"<code>{esc(s.corpus_dir)}</code>, each citing file and lines.</div></div>",
                padding=False,
            )
            theme_btn = gr.Button("Light / dark", size="sm", elem_id="dc-theme", scale=0, min_width=110)
        with gr.Tabs(elem_id="dc-tabs"):
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(
                            elem_id="dc-chat",
                            show_label=False,
                            render_markdown=False,  # answers arrive as escaped HTML from render.py
                            buttons=[],  # the stock copy button would copy our HTML; answers carry their own
                            feedback_options=None,
                            examples=[{"text": q} for q in examples] or None,
                            placeholder="<div class='dc-note'>Ask a question about your documents.</div>",
                            height="62vh",
                            min_height=320,
                            layout="bubble",
                        )
                        with gr.Row(equal_height=True):
                            box = gr.Textbox(placeholder="Ask a question\u2026", show_label=False,
                                             lines=1, max_lines=5, scale=6, min_width=120, autofocus=True,
                                             container=False, elem_id="dc-input")
                            send = gr.Button("Send", variant="primary", scale=1, min_width=64, elem_id="dc-send")
                            stop = gr.Button("Stop", variant="stop", scale=1, min_width=64, elem_id="dc-stop")
                        with gr.Row(elem_id="dc-tools"):
                            retry_btn = gr.Button("Retry", size="sm", min_width=60, elem_id="dc-retry")
                            clear_btn = gr.Button("Clear", size="sm", min_width=60, elem_id="dc-clear")
                            copy_btn = gr.Button("Copy answer", size="sm", min_width=60, elem_id="dc-copy-last")
                    with gr.Column(scale=2, min_width=280):
                        source = gr.HTML(SOURCE_PLACEHOLDER, elem_id="dc-source", padding=False)
            with gr.Tab("Documents", id="docs"):
                table = gr.HTML(elem_id="dc-files", padding=False)
                uploader = gr.File(label="Add documents", file_count="multiple", file_types=sorted(SUPPORTED),
                                   type="filepath", elem_id="dc-upload", height=170)
                gr.HTML(f"<div class='dc-note'>{', '.join(t.lstrip('.') for t in sorted(SUPPORTED))} \u00b7 up to "
                        f"{s.max_file_mb:g} MB each \u00b7 indexed as soon as they arrive</div>", padding=False)
                with gr.Row(equal_height=True):
                    reindex_btn = gr.Button("Re-index", variant="primary", scale=1, min_width=100, elem_id="dc-reindex")
                    pick = gr.Dropdown(label="File to remove", choices=[], scale=3, min_width=180, elem_id="dc-pick")
                    remove_btn = gr.Button("Remove from index", variant="stop", scale=1, min_width=150, elem_id="dc-remove")
                report_box = gr.HTML(elem_id="dc-report", padding=False)
            with gr.Tab("Settings", id="settings"):
                gr.HTML("<div class='dc-note'>Changes apply to your next question in this tab only.</div>", padding=False)
                backend = gr.Radio(list(BACKENDS), value=s.backend, label="Backend", elem_id="dc-backend",
                                   info="local: llama.cpp on a GGUF file \u00b7 openai: an OpenAI-compatible server \u00b7 extractive: quotes, no generation")
                model = gr.Textbox(value=cb.model_label(s, s.backend), label="Model", interactive=s.backend != "extractive",
                                   info="local: path of a .gguf file (empty: bundled) \u00b7 openai: model name", elem_id="dc-model")
                top_k = gr.Slider(1, min(10, s.candidates), value=min(s.top_k, 10), step=1, label="Passages per answer (top-k)", elem_id="dc-topk")
                check = gr.Checkbox(value=s.answer_check, label="Check answers against the passages (fall back to quotes when a draft is unsupported)", elem_id="dc-check")
                apply_btn = gr.Button("Apply", variant="primary", elem_id="dc-apply")
                settings_note = gr.HTML(cb.settings_status(ctx, Session()), elem_id="dc-settings-status", padding=False)
        # The bridge for clicks on [n]: theme.JS fills the box and clicks the button.
        cite_box = gr.Textbox(visible="hidden", elem_id="dc-cite-box")
        cite_go = gr.Button("open source", visible="hidden", elem_id="dc-cite-go")

        chat_out = [chatbot, session, box]
        answer = dict(outputs=chat_out, concurrency_id="answer", show_progress="hidden")
        asks = [
            box.submit(on_ask, [box, session], **answer),
            send.click(on_ask, [box, session], **answer),
            retry_btn.click(on_retry, [session], **answer),
            chatbot.example_select(on_example, [session], **answer),
        ]
        for ev in asks:
            ev.then(lambda sess: cb.settings_status(ctx, sess), [session], settings_note, show_progress="hidden")
        # Stop and Clear are cooperative (see callbacks.stop): no `cancels=` here.
        stop.click(cb.stop, [session], [chatbot, session], show_progress="hidden")
        clear_btn.click(cb.clear, [session], [chatbot, session, source], show_progress="hidden")
        chatbot.clear(cb.clear, [session], [chatbot, session, source], show_progress="hidden")
        copy_btn.click(None, js="() => window.dcCopyLast && window.dcCopyLast()")
        theme_btn.click(None, js="() => window.dcToggleTheme && window.dcToggleTheme()")
        cite_go.click(lambda ref, sess: cb.show_source(ctx, ref, sess), [cite_box, session], source,
                      concurrency_limit=4, show_progress="hidden")

        files_out = [table, report_box, pick]
        uploader.upload(on_upload, [uploader], files_out, concurrency_id="corpus").then(
            lambda: None, None, uploader, show_progress="hidden")
        reindex_btn.click(on_reindex, None, files_out, concurrency_id="corpus")
        remove_btn.click(on_remove, [pick], files_out, concurrency_id="corpus")

        backend.change(on_backend, [backend, session], model, show_progress="hidden")
        apply_btn.click(lambda sess, b, m, k, c: cb.apply_settings(ctx, sess, b, m, k, c),
                        [session, backend, model, top_k, check], [session, settings_note], show_progress="hidden")
        demo.load(on_load, None, files_out, show_progress="hidden")
    return demo


def launch_options(settings: Settings) -> dict:
    """Keyword arguments for ``Blocks.launch``: address, auth, upload limit, look.

    ``gr.mount_gradio_app`` takes the same, less the address.
    """
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    return dict(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        auth_message="This document assistant is password protected." if auth else None,
        # Twice the ingest limit: a file somewhat too large gets our per-file message
        # in the Documents tab; only absurd uploads meet Gradio's own refusal.
        max_file_size=int(2 * settings.max_file_mb * 1_000_000),
        theme=theme(),
        css=CSS,
        js=JS,
        ssr_mode=False,
        show_error=False,
        footer_links=[],
    )

