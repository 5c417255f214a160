"""Pure functions that turn an Answer into chat markdown (testable without a browser)."""
from __future__ import annotations

import html

from ..types import Answer


def sources_markdown(ans: Answer) -> str:
    """A compact list of cited sources: file, lines, score."""
    if ans.refused:
        return "_The documents don't cover this, so no sources are shown._"
    rows = [
        f"**[{c.n}]** `{html.escape(c.source)}` lines {c.start_line}-{c.end_line} · score {c.score:.2f}"
        for c in ans.citations
    ]
    return "  \n".join(rows)


def answer_markdown(ans: Answer) -> str:
    """The answer text with a sources footer; passage text is escaped, never rendered as HTML."""
    body = html.escape(ans.text)
    foot = sources_markdown(ans)
    tag = f"\n\n<sub>answered by: {ans.backend}</sub>" if ans.backend else ""
    return f"{body}\n\n{foot}{tag}" if foot else body + tag
