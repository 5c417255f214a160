"""Errors in the OpenAI shape: ``{"error": {"message", "type", "code"}}`` with the right status.

The library's named errors become HTTP statuses here, at the edge, and
nothing else does: request handlers raise :class:`ApiError` or let an
:class:`~assistant.errors.AssistantError` through. Messages never echo
request bodies or headers, so a key sent by mistake cannot come back.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AssistantError

log = logging.getLogger(__name__)

# The status for each library error code; anything not listed is a 500.
# 409: the server's state (an empty index), not the request, is what is wrong.
# 503: a collaborator (Chroma, the LLM with the answer check off) is down; retrying later may work.
# A bad setting is the server's (clients send no settings), so it stays a 500.
STATUS_OF_CODE = {
    "upload_rejected": 400,
    "empty_index": 409,
    "empty_corpus": 409,
    "store_unavailable": 503,
    "llm_unavailable": 503,
    "llm_timeout": 503,
    "index_write": 507,
}


class ApiError(Exception):
    """A request the API refuses, with its HTTP status and OpenAI error code."""

    def __init__(self, status: int, message: str, code: str, type_: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.type = type_ or ("invalid_request_error" if status < 500 else "server_error")

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "code": self.code, "param": None}}

    def response(self, headers: dict | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def from_exception(e: BaseException) -> ApiError:
    """The :class:`ApiError` a client sees for any exception raised while serving it."""
    if isinstance(e, ApiError):
        return e
    if isinstance(e, AssistantError):
        return ApiError(STATUS_OF_CODE.get(e.code, 500), e.user_message(), e.code)
    log.error("unexpected error in the HTTP API", exc_info=e)
    return ApiError(500, f"Unexpected error ({type(e).__name__}); the details are in the server log.", "internal_error")


def install(app: FastAPI) -> None:
    """Make every error of ``app`` (ours, FastAPI's and Starlette's) answer in the OpenAI shape."""

    async def on_api_error(request: Request, e: Exception) -> JSONResponse:
        err = from_exception(e)
        return err.response({"WWW-Authenticate": "Bearer"} if err.status == 401 else None)

    async def on_invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        # FastAPI says 422 and echoes the input; OpenAI says 400, and a body is not echoed back.
        parts = []
        for err in e.errors()[:5]:
            loc = () if err.get("type") == "json_invalid" else err.get("loc", ())  # its loc is a character offset
            where = ".".join(str(x) for x in loc if x != "body") or "body"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return ApiError(400, "Invalid request: " + "; ".join(parts) + ".", "invalid_request").response()

    async def on_http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(e.status_code, "http_error")
        return ApiError(e.status_code, str(e.detail), code).response()

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(AssistantError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_api_error)
