"""Sentence spans inside a chunk, with their own line numbers."""
from __future__ import annotations

from dataclasses import dataclass

from .chunking import split_sentences
from .loaders import split_lines
from .types import Chunk


@dataclass(frozen=True)
class Span:
    chunk: Chunk
    text: str
    start_line: int
    end_line: int
    start_char: int  # offset in the file


def sentence_spans(chunk: Chunk) -> list[Span]:
    """Split a chunk into sentences; each keeps its exact line number."""
    spans: list[Span] = []
    offset = chunk.start_char
    line = chunk.start_line
    for raw_line in split_lines(chunk.text):  # "\n" only, as the loader numbered them
        for piece in split_sentences(raw_line):
            text = piece.strip()
            if len(text) > 1:
                lead = len(piece) - len(piece.lstrip())
                spans.append(Span(chunk, text, line, line, offset + lead))
            offset += len(piece)
        line += 1
    return spans
