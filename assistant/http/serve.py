"""Start serving: the UI and the API from one process (``assistant serve``), or the API alone (``assistant api``)."""
from __future__ import annotations

from ..errors import EmptyCorpusError
from ..settings import Settings
from .auth import check_exposure


def serve(settings: Settings, *, ui: bool = True) -> None:
    """Build the index if needed, then serve the API (and the chat UI at ``/``) until stopped."""
    check_exposure(settings, ui=ui)  # before any slow start-up, and before binding
    import uvicorn

    from ..api import Assistant
    from ..ui.callbacks import Context
    from ..ui.session import BotPool
    from .app import create_app

    bot = Assistant(settings)
    report = _first_ingest(bot)
    ctx = Context(BotPool(bot), skipped=list(report.skipped) if report else [])
    app = create_app(ctx)
    if ui:
        import gradio as gr

        from ..ui.app import build, launch_options

        opts = {k: v for k, v in launch_options(settings).items() if k not in ("server_name", "server_port")}
        demo = build(bot, report, ctx=ctx).queue(default_concurrency_limit=1)
        app = gr.mount_gradio_app(app, demo, path="/", **opts)
    where = f"http://{settings.host}:{settings.port}"
    print(f"serving {'the chat UI at ' + where + '/ and ' if ui else ''}the API at {where}/v1", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


def _first_ingest(bot):
    """Bring the index up to date with the corpus folder; None when the folder is empty."""
    try:
        report = bot.ingest()
    except EmptyCorpusError as e:  # still serve: documents can be uploaded
        print(f"note: {e.message}")
        return None
    print(f"index: {report.summary()}")
    for f in report.skipped:
        print(f"skipped {f.source}: {f.reason}")
    return report
