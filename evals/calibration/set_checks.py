"""Checks every hand-written calibration set must pass before it is written (used by the make_*_set.py scripts)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assistant.evals.metrics import fact_text, facts_found  # noqa: E402
from assistant.units import asked_unit, gives_figure_in  # noqa: E402


def check_family(items: list[dict], pages: dict[str, str], *, probes: list[tuple[str, str, list[str]]] = (),
                 unit_answerable: list[tuple[str, list[str]]] = (), unit_unanswerable: list[str] = (),
                 plain: list[str] = ()) -> None:
    """Fail, naming the item, unless the set holds together.

    - every answerable item's key facts occur in its gold pages;
    - ``probes``: (id, question, words) of unanswerable items, none of whose words occurs in any page;
    - ``unit_answerable``: (question, gold pages) name a unit, and the pages give a figure in it;
    - ``unit_unanswerable`` name a unit; ``plain`` questions name none.
    """
    for item in items:
        if item["expect_refusal"]:
            continue
        found = facts_found("\n".join(pages[g] for g in item["gold_sources"]), item["key_facts"])
        assert all(found), (item["id"], "key facts not in its gold pages", [f for f, ok in zip(item["key_facts"], found) if not ok])
    everything = fact_text("\n".join(pages.values()))
    for ident, q, words in probes:
        hits = [w for w in words if fact_text(w) in everything]
        assert not hits, (ident, q, "probe words occur in the corpus", hits)
    for q, gold in unit_answerable:
        unit = asked_unit(q)
        assert unit and gives_figure_in("\n".join(pages[g] for g in gold), unit), (q, "no figure in the asked unit", unit)
    assert all(asked_unit(q) for q in unit_unanswerable), [q for q in unit_unanswerable if not asked_unit(q)]
    assert not any(asked_unit(q) for q in plain), ("a plain question names a unit", [q for q in plain if asked_unit(q)])


def read_pages(folder: Path, suffixes: tuple[str, ...] = (".md", ".txt")) -> dict[str, str]:
    """A corpus folder's pages by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in suffixes}
