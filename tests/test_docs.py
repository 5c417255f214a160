"""The docs cannot drift from the code: the generated settings page, the API's schema, the links."""
from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

from assistant.settings_doc import render
from assistant.types import Answer, Citation, ClaimCheck

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Pages other work promised and links already: checked like any other once they exist.
PROMISED = {DOCS / "formats.md"}


def test_settings_reference_is_current():
    committed = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/settings.md is out of date: run `make docs` and commit it"


def _schema() -> dict:
    text = (DOCS / "http-api.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```json\n(.*?)```", text, re.S) if '"$defs"' in b)
    return json.loads(block)


def test_the_documented_extension_schema_is_answer_to_dict():
    schema = _schema()
    keys = set(Answer(text="x").to_dict())
    assert set(schema["properties"]) == keys and set(schema["required"]) == keys
    passage = schema["$defs"]["passage"]
    cite_keys = {f.name for f in fields(Citation)}
    assert set(passage["properties"]) == cite_keys and set(passage["required"]) == cite_keys
    claim = schema["properties"]["claims"]["items"]
    assert set(claim["properties"]) == {f.name for f in fields(ClaimCheck)} == set(claim["required"])


def test_relative_links_in_readme_and_docs_resolve():
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (page.parent / target.split("#")[0]).resolve()
            if not path.exists() and path not in PROMISED:
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, broken


def test_readme_stays_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200
