"""How a name the question uses may be written in a passage.

A question about "European buyers" is about Europe; one about "the Chinese
market" is about China. Every check of whether a passage names what the
question names (the gate's "bound" and "name unknown" signals, the ranker's
entity feature) reads names through these forms, so they agree.
"""
from __future__ import annotations

import re
from functools import lru_cache

# "European" is about Europe, "Chinese" about China: a name ending like this
# also counts as present when its stem is ("europ" in "Europe").
_DEMONYM = re.compile(r"^(?P<stem>[a-z]{4,}?)(?:ean|ian|an|ese|ish)$")
_PLACE_ENDINGS = ("", "e", "a", "y", "ia", "any", "ain", "en")  # Europe, China, Italy, Germany, Britain, Sweden


@lru_cache(maxsize=1024)  # asked for every sentence and paragraph a question's names are looked up in
def name_forms(name: str) -> tuple[str, ...]:
    """A folded name, and for a one-word demonym ("european") the place names it may come from ("europe", ...)."""
    m = _DEMONYM.match(name)
    if not m:
        return (name,)
    stem = m.group("stem")  # a bare stem of four letters is too loose a substring ("chin" in "machine")
    return (name,) + tuple(stem + end for end in _PLACE_ENDINGS if end or len(stem) >= 5)


def named_in(name: str, folded: str) -> bool:
    """Whether folded text names ``name`` in one of its forms ("european" is named by "Europe")."""
    return any(f in folded for f in name_forms(name))
