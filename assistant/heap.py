"""Give the C heap's free memory back to the operating system after a big read.

Reading every chunk back from Chroma (the retriever's snapshot) allocates
far more than it keeps: the records cross from Chroma's Rust core as Python
objects, page by page, and glibc keeps the freed pages in its heap. Measured
on the 100,000-chunk scaling store (`python -m bench scaling`), reading every
chunk in 25,000-row pages left the process 550–1,165 MB larger, of which
``malloc_trim`` handed back all but 219 MB.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return lib if lib is not None and hasattr(lib, "malloc_trim") else None


def trim() -> bool:
    """Return free heap pages to the OS; False where the C library has no ``malloc_trim`` (not glibc)."""
    lib = _libc()
    if lib is None:
        return False
    lib.malloc_trim(0)
    return True
