"""The chat UI in a real headless Chromium, against the real app.

The app runs as `python app.py` (the same path as `make run`) on a free
loopback port, with a private copy of corpus/, its own index built by the
real embedder, and the local backend (Gemma 3 270M via llama.cpp). The tests
run in order and share one browser page, like one user's visit, plus a
second tab for the per-session checks. Screenshots land in tests/artifacts/.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
ANSWER_WAIT_MS = 420_000  # a local answer on a busy 2-core machine; a bound, never a speed check
FOUNDED_FILE = "000_d30eed791859901c.txt"
NOTE = ("The Lunar Garden project in Oslo was started in 2019 by the botanist Ingrid Solberg.\n"
        "It grows 340 species of moss under artificial moonlight.\n")
MARKUP = ("# Harbour notes\n\nThe glass harbour beacon is painted teal <script>window.__pwned = 1</script> "
          "<img src=x onerror=\"window.__pwned = 2\"> [click me](javascript:window.__pwned=3) every spring.\n")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui")
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, copy_function=shutil.copyfile)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
               GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    log = tmp / "app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--corpus", str(corpus), "--index", str(tmp / "index"),
             "--backend", "local", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc, log, timeout=600)
        yield url, corpus
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log.exists() and "Traceback" in log.read_text(errors="replace"):
            print(log.read_text(errors="replace")[-4000:])


def _wait_http(url, proc, log, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the app did not answer at {url} within {timeout}s")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, app_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"])
    pg = ctx.new_page()
    pg.goto(app_url[0] + "?__theme=light")
    pg.wait_for_selector("#dc-chat", timeout=60_000)
    yield pg
    ctx.close()


def _shot(pg, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _ask(pg, question):
    """Type a question, send it, wait for the finished answer; returns that answer's element."""
    done = "#dc-chat .dc-answer:not(.dc-streaming)"
    before = pg.locator(done).count()
    pg.fill("#dc-input textarea", question)
    pg.click("#dc-send")
    pg.wait_for_function(f"document.querySelectorAll('{done}').length > {before}", timeout=ANSWER_WAIT_MS)
    return pg.locator(done).last


def _clear(pg):
    pg.click("#dc-clear")
    pg.wait_for_function("!document.querySelector('#dc-chat .dc-answer')")


def _tab(pg, name):
    pg.click(f"button[role=tab]:has-text('{name}')")


def _upload(pg, paths, expect):
    _tab(pg, "Documents")
    pg.set_input_files("#dc-upload input[type=file]", [str(p) for p in paths])
    pg.wait_for_function(f"(document.querySelector('#dc-report') || {{}}).innerText?.includes({expect!r})",
                         timeout=ANSWER_WAIT_MS)
    return pg.inner_text("#dc-report"), pg.inner_text("#dc-files")


def test_example_questions_show_on_an_empty_chat(page):
    examples = page.locator("#dc-chat").inner_text()
    assert "When was Xiaomi founded?" in examples


def test_answer_streams_cites_and_opens_the_source_panel(page):
    page.evaluate("""() => {
        window.__dcSeen = [];
        new MutationObserver(() => {
            const s = document.querySelector('#dc-chat .dc-streaming .dc-body');
            if (s && window.__dcSeen[window.__dcSeen.length - 1] !== s.innerText) window.__dcSeen.push(s.innerText);
        }).observe(document.querySelector('#dc-chat'), {subtree: true, childList: true, characterData: true});
    }""")
    ans = _ask(page, "When was Xiaomi founded?")
    seen = page.evaluate("window.__dcSeen")
    assert len(seen) >= 3, f"expected the answer to grow while streaming, saw {seen}"
    assert "2010" in ans.locator(".dc-body").inner_text()
    assert FOUNDED_FILE in ans.locator(".dc-sources").inner_text()
    assert ans.locator(".dc-badge").inner_text() in ("local", "extractive (fallback)")

    ans.locator("a.dc-cite").first.click()
    page.wait_for_selector("#dc-source .dc-passage mark", timeout=30_000)
    panel = page.inner_text("#dc-source")
    assert FOUNDED_FILE in panel and "line" in panel
    assert "2010" in page.inner_text("#dc-source mark")
    assert page.locator("#dc-source .dc-line:not(.dc-hit)").count() > 0  # surrounding text, not just the quote
    _shot(page, "answer-light")

    ans.locator("a.dc-copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "2010" in copied and "Sources:" in copied and FOUNDED_FILE in copied and "<" not in copied

    page.click("#dc-theme")
    page.wait_for_function("document.body.classList.contains('dark')")
    page.wait_for_timeout(500)  # let colour transitions finish
    _shot(page, "answer-dark")
    page.click("#dc-theme")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    _shot(page, "answer-mobile")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways at mobile width ({width}px)"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_stop_then_retry(page):
    _clear(page)
    page.fill("#dc-input textarea", "How many cars did Xiaomi sell in 36 hours?")
    page.click("#dc-send")
    page.wait_for_selector("#dc-chat .dc-streaming", timeout=60_000)
    page.click("#dc-stop")
    page.wait_for_selector("#dc-chat .dc-stopped", timeout=60_000)
    assert "Stopped" in page.inner_text("#dc-chat .dc-stopped")
    page.click("#dc-retry")
    page.wait_for_selector("#dc-chat .dc-answer:not(.dc-streaming):not(.dc-stopped)", timeout=ANSWER_WAIT_MS)
    assert page.locator("#dc-chat .dc-answer").count() == 1  # the retry replaced the stopped answer
    assert "120,000" in page.inner_text("#dc-chat .dc-answer .dc-body")


def test_unanswerable_question_is_refused_visibly(page):
    _clear(page)
    ans = _ask(page, "Who won the 1998 FIFA World Cup?")
    assert "dc-refused" in ans.get_attribute("class")
    assert "not in the documents" in ans.inner_text().lower()
    assert ans.locator(".dc-sources").count() == 0 and ans.locator("a.dc-cite").count() == 0
    _shot(page, "refusal")


def test_upload_reindex_and_ask_about_the_new_file(page, tmp_path):
    note = tmp_path / "lunar_garden.txt"
    note.write_text(NOTE, encoding="utf-8")
    markup = tmp_path / "harbour.md"
    markup.write_text(MARKUP, encoding="utf-8")
    report, table = _upload(page, [note, markup], "Re-index done")
    assert "lunar_garden.txt: added" in report and "harbour.md: added" in report
    assert "lunar_garden.txt" in table
    _shot(page, "documents")
    _tab(page, "Chat")
    _clear(page)
    ans = _ask(page, "Who started the Lunar Garden project?")
    assert "Solberg" in ans.locator(".dc-body").inner_text()
    assert "lunar_garden.txt" in ans.locator(".dc-sources").inner_text()


def test_binary_upload_shows_the_skip_reason(page, tmp_path):
    blob = tmp_path / "firmware.txt"
    blob.write_bytes(bytes(range(256)) * 16)
    report, table = _upload(page, [blob], "firmware.txt: skipped")
    assert "firmware.txt: skipped: binary file" in report
    assert "skipped: binary file" in table


def test_a_pdf_citation_opens_its_page_with_the_quote_highlighted(page, tmp_path):
    from office_docs import pdf_file

    pdf = pdf_file(tmp_path / "observatory.pdf", [
        ["Observatory guide", "Visitors enter through the north gate."],
        [],  # an empty page: the fact below is still on page 3
        ["Opening", "The Quillfeather observatory in Tromso opened in 2017 and houses twelve telescopes."],
    ])
    report, _ = _upload(page, [pdf], "observatory.pdf: added")
    assert "observatory.pdf: added" in report
    _tab(page, "Chat")
    _clear(page)
    ans = _ask(page, "When did the Quillfeather observatory open?")
    assert "2017" in ans.locator(".dc-body").inner_text()
    assert "observatory.pdf page 3" in ans.locator(".dc-sources").inner_text()
    ans.locator("a.dc-cite[title*='observatory.pdf']").first.click()
    page.wait_for_selector("#dc-source .dc-passage mark", timeout=30_000)
    head = page.inner_text("#dc-source .dc-source-head")
    assert "observatory.pdf" in head and "page 3" in head
    assert "2017" in page.inner_text("#dc-source mark")
    assert "Visitors enter" not in page.inner_text("#dc-source")  # the cited page, not its neighbours
    _shot(page, "pdf-citation")


def test_second_tab_has_its_own_history_settings_and_no_script_runs(page, browser, app_url):
    chat_before = page.inner_text("#dc-chat")  # whatever tab one's earlier tests left there
    assert chat_before.strip()
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(app_url[0] + "?__theme=dark")
    other.wait_for_selector("#dc-chat", timeout=60_000)
    assert other.locator("#dc-chat .dc-answer").count() == 0  # tab one's chat is not here
    _tab(other, "Settings")
    other.click("#dc-backend label:has-text('extractive')")
    other.click("#dc-apply")
    other.wait_for_function("document.querySelector('#dc-settings-status').innerText.includes('backend extractive')")
    _tab(other, "Chat")
    other.locator("#dc-chat button:has-text('When was Xiaomi founded?')").click()  # an example question
    other.wait_for_selector("#dc-chat .dc-answer:not(.dc-streaming)", timeout=ANSWER_WAIT_MS)
    assert "2010" in other.inner_text("#dc-chat .dc-answer .dc-body")
    _clear(other)
    ans = _ask(other, "What colour is the glass harbour beacon painted?")
    body = ans.locator(".dc-body").inner_text()
    assert "teal" in body and "<script>" in body  # the markup shows as text
    assert other.evaluate("window.__pwned") is None
    assert other.locator("#dc-chat script, #dc-chat img, #dc-chat a[href^='javascript']").count() == 0
    assert ans.locator(".dc-badge").inner_text() == "extractive"
    ans.locator("a.dc-cite").first.click()
    other.wait_for_selector("#dc-source .dc-passage mark", timeout=30_000)
    assert "<script>" in other.inner_text("#dc-source") and other.evaluate("window.__pwned") is None
    _shot(other, "second-tab-dark")
    # Tab one kept its own conversation and its own backend.
    chat_one = page.inner_text("#dc-chat")
    assert chat_one == chat_before and "glass harbour" not in chat_one
    _tab(page, "Settings")
    assert "backend local" in page.inner_text("#dc-settings-status")
    other.context.close()
