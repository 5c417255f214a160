"""assistant.heap: freeing the C heap's free pages is safe to call at any time."""
from __future__ import annotations

import platform

from assistant.heap import trim


def test_trim_runs_on_glibc_and_is_harmless():
    data = [bytes(1000) for _ in range(10_000)]
    del data
    assert trim() is (platform.libc_ver()[0] == "glibc")
    assert trim() is trim()  # again, with nothing to free
