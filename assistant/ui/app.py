"""Build and launch the Gradio app."""
from __future__ import annotations

from ..errors import AssistantError
from ..settings import Settings
from .render import answer_markdown


def build(bot):
    """The Gradio Blocks app for one :class:`Assistant`."""
    import gradio as gr

    def respond(message: str, history: list):
        try:
            stream = bot.stream(message, _history(history))
            text = ""
            for delta in stream:
                text += delta
                yield text
            yield answer_markdown(stream.answer)
        except AssistantError as e:
            yield f"⚠️ {e.user_message()}"

    return gr.ChatInterface(respond, title="Document assistant", examples=None)


def _history(history: list) -> list[dict]:
    out = []
    for m in history or []:
        if isinstance(m, dict) and isinstance(m.get("content"), str):
            out.append({"role": m["role"], "content": m["content"]})
    return out


def serve(settings: Settings) -> None:
    """Build the index if needed and serve the chat UI (blocking)."""
    from ..api import Assistant

    bot = Assistant(settings)
    report = bot.ingest()
    print(f"index: {report.summary()}")
    for f in report.skipped:
        print(f"skipped {f.source}: {f.reason}")
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    build(bot).queue().launch(server_name=settings.host, server_port=settings.port, auth=auth)
