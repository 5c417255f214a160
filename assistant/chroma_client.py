"""The connection to Chroma: which client to build, and what its failures mean.

``chroma_url`` set means a ``chroma run`` server over HTTP (checked with a
heartbeat first, and given a timeout on every request); unset means an
embedded ``PersistentClient`` in ``index_dir``. Chroma raises plain
exceptions; :func:`store_error` turns them into this project's named errors.
"""
from __future__ import annotations

import logging
import os
import time

from .errors import IndexWriteError, StoreUnavailableError
from .settings import Settings

log = logging.getLogger(__name__)

TIMEOUT_FIX = "check that the Chroma server is running and not overloaded, or raise ASSISTANT_CHROMA_TIMEOUT."
_QUIET_NS = 1_000_000_000  # see quiet_stamp


def make_client(settings: Settings):
    """A Chroma client: HTTP when ``chroma_url`` is set, else persistent in ``index_dir``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cfg = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        u = urlparse(settings.chroma_url)
        if not u.hostname:
            from .errors import SettingsError

            raise SettingsError(f"Bad setting chroma_url={settings.chroma_url!r}: expected http://host:port.")
        _answers_in_time(settings.chroma_url, settings.chroma_timeout)
        try:
            client = chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https", settings=cfg)
        except Exception as e:  # chromadb raises plain ValueError/ConnectionError here
            raise StoreUnavailableError(f"Chroma server at {settings.chroma_url} is unreachable ({short(e)}).") from None
        _limit_requests(client, settings.chroma_timeout)
        return client
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=cfg)
    except OSError as e:
        raise IndexWriteError(f"Cannot open the index folder {settings.index_dir} ({short(e)}).") from None


def _answers_in_time(url: str, timeout: float) -> None:
    """Fail fast on a server that accepts connections but never answers.

    chromadb's HttpClient sends its first request while it is being built,
    with no timeout at all, so a hung (not down) server would hang us there.
    A server that is down is left to chromadb, whose error says so.
    """
    import socket
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/api/v2/heartbeat", timeout=timeout):
            return
    except (OSError, ValueError) as e:  # URLError is an OSError; it wraps a timeout in .reason
        if not isinstance(e, (TimeoutError, socket.timeout)) and not isinstance(getattr(e, "reason", None), (TimeoutError, socket.timeout)):
            return
    raise StoreUnavailableError(f"Chroma server at {url} did not answer within {timeout:g} s.", fix=TIMEOUT_FIX)


def _limit_requests(client, timeout: float) -> None:
    """Give every later request a timeout (chromadb's own HTTP session has none)."""
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(timeout)
    except Exception:  # another chromadb layout: keep its default rather than fail
        log.debug("could not set a timeout on the Chroma HTTP session", exc_info=True)


def sqlite_file(client) -> str | None:
    """The SQLite file behind an embedded (persistent) client; None for a server."""
    try:
        cfg = client.get_settings()
    except Exception:
        return None
    if not getattr(cfg, "is_persistent", False) or not getattr(cfg, "persist_directory", None):
        return None
    return os.path.join(cfg.persist_directory, "chroma.sqlite3")


def quiet_stamp(path: str | None) -> tuple[int, int, int] | None:
    """(mtime, size, inode) of the embedded store's SQLite file, if it has been quiet.

    Every Chroma write, from any process, goes through that file and moves
    its mtime; reads never do. So an unchanged stamp means an unchanged
    collection, and the check costs one ``stat`` instead of a journal read.
    As git does for its index, a file written within the last second is
    not trusted: on a file system with coarse timestamps a second write
    in the same tick would leave the stamp as it was. ``None`` (check the
    collection) for a server, or when the file cannot be read.
    """
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - st.st_mtime_ns < _QUIET_NS:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def short(e: Exception) -> str:
    """The first line of an error's message, at most 160 characters (its type name if it has none)."""
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:160]


def is_missing(e: Exception) -> bool:
    """Whether a Chroma error says the collection does not exist."""
    msg = str(e).lower()
    return "does not exist" in msg or "not found" in msg


def store_error(e: Exception, doing: str):
    """The named error for a Chroma failure while trying to ``doing``: a timeout, a disk problem, or unavailable."""
    msg = str(e).lower()
    if isinstance(e, TimeoutError) or "timed out" in msg or "timeout" in type(e).__name__.lower():
        return StoreUnavailableError(f"The vector store did not answer in time while trying to {doing}.", fix=TIMEOUT_FIX)
    if isinstance(e, OSError) or any(w in msg for w in ("disk", "no space", "readonly", "read-only", "permission")):
        return IndexWriteError(f"Could not {doing} in the index ({short(e)}).")
    log.debug("chroma error while trying to %s", doing, exc_info=True)
    return StoreUnavailableError(f"The vector store failed to {doing} ({short(e)}).")
