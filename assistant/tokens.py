"""Token counting with tiktoken's cl100k_base, offline.

llama-index-core ships the cl100k_base file; pointing tiktoken's cache at it
avoids the download that any other encoding would attempt.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.lru_cache(maxsize=1)
def encoding():
    """The cl100k_base encoding, loaded from llama-index-core's bundled cache."""
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        import llama_index.core

        cache = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
        if cache.is_dir():
            os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text``."""
    return len(encoding().encode(text, disallowed_special=()))
