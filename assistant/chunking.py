"""Token-aware chunking that keeps exact line and character provenance.

The text is cut into sentence units that never cross a line, and units are
packed into chunks of at most ``chunk_tokens`` tokens. Each chunk is an exact
slice of the decoded file, so ``start_char``/``end_char`` and the line numbers
point at the same characters a user sees in their editor.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from .sentences import split_sentences
from .tokens import count_tokens
from .types import Chunk

_WORD = re.compile(r"\S+\s*")


@dataclass
class _Unit:
    text: str  # includes trailing whitespace, so units tile the file exactly
    start: int
    line: int
    tokens: int


def sha(text: str | bytes, n: int = 16) -> str:
    """Short hex SHA-1, used for deterministic ids and content hashes."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha1(data).hexdigest()[:n]


def _units(lines: Iterable[str], max_tokens: int) -> Iterator[_Unit]:
    offset = 0
    for lineno, line in enumerate(lines, start=1):
        for piece in split_sentences(line):
            n = count_tokens(piece) if piece.strip() else 0
            if n <= max_tokens:
                yield _Unit(piece, offset, lineno, n)
                offset += len(piece)
                continue
            # A sentence longer than a chunk: cut it at word boundaries.
            lead = len(piece) - len(piece.lstrip())
            if lead:
                yield _Unit(piece[:lead], offset, lineno, 0)
            buf, buf_start, buf_tok = "", offset + lead, 0
            for w in _WORD.findall(piece[lead:]):
                wt = count_tokens(w)
                if buf and buf_tok + wt > max_tokens:
                    yield _Unit(buf, buf_start, lineno, buf_tok)
                    buf_start += len(buf)
                    buf, buf_tok = "", 0
                buf += w
                buf_tok += wt
            if buf:
                yield _Unit(buf, buf_start, lineno, buf_tok)
            offset += len(piece)


def chunk_lines(
    lines: Iterable[str],
    source: str,
    file_hash: str,
    chunk_tokens: int,
    chunk_overlap: int,
    breaks: frozenset[int] = frozenset(),
) -> list[Chunk]:
    """Chunk a document given as lines (with their line endings).

    A chunk never spans a line number in ``breaks`` (the first line of a
    slide or sheet): it ends there, and carries no overlap across it.
    Returns chunks with deterministic ids ``<source hash>:<file hash>:<i>``.
    Whitespace-only documents give no chunks.
    """
    spans: list[list[_Unit]] = []
    current: list[_Unit] = []
    tokens = 0
    line = 0
    for unit in _units(lines, chunk_tokens):
        if unit.line != line:
            line = unit.line
            if line in breaks and current:
                if any(u.tokens for u in current):
                    spans.append(current)
                current, tokens = [], 0
        if unit.tokens == 0:
            if current:
                current.append(unit)
            continue
        if current and tokens + unit.tokens > chunk_tokens:
            spans.append(current)
            current = _overlap_tail(current, chunk_overlap)
            tokens = sum(u.tokens for u in current)
        current.append(unit)
        tokens += unit.tokens
    if any(u.tokens for u in current):
        spans.append(current)
    return [_to_chunk(span, source, file_hash, i, len(spans)) for i, span in enumerate(spans)]


def _overlap_tail(units: list[_Unit], budget: int) -> list[_Unit]:
    tail: list[_Unit] = []
    used = 0
    for u in reversed(units[1:]):  # never carry the whole chunk, so we always advance
        if used + u.tokens > budget:
            break
        tail.insert(0, u)
        used += u.tokens
    while tail and tail[0].tokens == 0:
        tail.pop(0)
    return tail


def _to_chunk(span: list[_Unit], source: str, file_hash: str, i: int, n: int) -> Chunk:
    while span and span[-1].tokens == 0:
        span = span[:-1]
    raw = "".join(u.text for u in span)
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    start = span[0].start + lead
    first = next(u for u in span if u.text.strip())
    last = next(u for u in reversed(span) if u.text.strip())
    return Chunk(
        id=f"{sha(source)}:{file_hash[:16]}:{i}",
        source=source,
        text=text,
        start_line=first.line,
        end_line=last.line,
        start_char=start,
        end_char=start + len(text),
        content_hash=sha(text),
        file_hash=file_hash,
        index=i,
        n_chunks=n,
    )
