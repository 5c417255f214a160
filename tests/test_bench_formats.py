"""The formats benchmark at its smallest size: every loader runs on its generated file; no timings asserted."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_formats_bench_smoke(tmp_path):
    from bench.formats_bench import ingest_memory, make_files, time_load

    files = make_files(tmp_path, rows=40, pages=2, slides=3)
    assert set(files) == {"xlsx", "csv", "pdf", "docx", "pptx", "txt"}
    for fmt, (path, units, unit) in files.items():
        t = time_load(path, repeats=1)
        assert t["chunks"] >= 1 and t["load_and_chunk_s"] >= t["load_s"] > 0, fmt
    assert files["pptx"][1] == 3 and time_load(files["pptx"][0], 1)["chunks"] == 3  # one chunk a slide
    mem = ingest_memory(files["xlsx"][0])
    assert mem["chunks"] >= 1 and mem["peak_rss_after_mb"] >= mem["peak_rss_before_mb"] > 0
