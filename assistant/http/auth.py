"""Who may call the API, and where the server may listen without a key."""
from __future__ import annotations

import hmac
import ipaddress

from fastapi import Request

from ..errors import SettingsError
from ..settings import Settings
from .errors import ApiError


def bearer_guard(settings: Settings):
    """A FastAPI dependency that requires ``Authorization: Bearer <api_key>`` when a key is set."""
    expected = settings.api_key.encode()

    def guard(request: Request) -> None:
        if not expected:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # compare_digest: the time taken must not tell how much of a guess was right.
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise ApiError(401, "Incorrect or missing API key. Send it as `Authorization: Bearer <key>`.", "invalid_api_key")

    return guard


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def check_exposure(settings: Settings, *, ui: bool) -> None:
    """Refuse to serve beyond loopback unless the UI (``auth``) and the API (``api_key``) are protected."""
    if is_loopback(settings.host):
        return
    missing = [name for name, needed in (("auth", ui), ("api_key", True)) if needed and not getattr(settings, name)]
    if missing:
        names = " and ".join(missing)
        raise SettingsError(
            f"Serving on {settings.host}, which other machines can reach, needs {names} set.",
            fix="set " + " and ".join(f"ASSISTANT_{n.upper()}" for n in missing)
            + " (or the same keys in assistant.toml), or bind to 127.0.0.1.",
        )
