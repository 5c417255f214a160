"""The FastAPI app of the HTTP API: routes, auth and the OpenAI error shape, put together."""
from __future__ import annotations

from fastapi import Depends, FastAPI

from . import chat, errors, files
from .auth import bearer_guard


def create_app(ctx) -> FastAPI:
    """The API over the shared state ``ctx`` (a ``ui.callbacks.Context``: the assistants and the locks).

    The UI is mounted on the same app by :func:`assistant.http.serve.serve`,
    so both answer through one engine and change one corpus under one lock.
    """
    app = FastAPI(title="Document assistant API", docs_url=None, redoc_url=None, openapi_url="/v1/openapi.json")
    errors.install(app)
    guard = [Depends(bearer_guard(ctx.settings))]
    app.include_router(chat.router(ctx), dependencies=guard)
    app.include_router(files.router(ctx), dependencies=guard)

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False, dependencies=guard)
    def unknown(rest: str):
        # Without this, a mistyped /v1 path would fall through to the UI mounted at "/".
        raise errors.ApiError(404, f"There is no /v1/{rest} here; see docs/http-api.md.", "not_found")

    return app
