"""Take docs/chat.png: the chat with an answer and its first citation open.

    .venv/bin/python docs/screenshot.py [--out docs/chat.png] [--question "..."]

Starts the real app (``python app.py``, what ``make run`` serves) on corpus/
with the default backend and a temporary index, drives Debian's chromium through
Playwright as tests/test_ui_browser.py does, and saves the visible window.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.app_client import start_app, stop_app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ANSWER_WAIT_MS = 120_000  # a bound for a busy shared machine, not a speed check


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(ROOT / "docs" / "chat.png"))
    p.add_argument("--question", default="How many cars did Xiaomi sell in 36 hours?")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="screenshot-") as tmp:
        # The repository's corpus/, read only (nothing is uploaded), named as a user's would be;
        # the index goes to the temporary folder.
        proc, url, _ = start_app(Path("corpus"), Path(tmp) / "index")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = browser.new_page(viewport={"width": 1280, "height": 760}, device_scale_factor=1)
                page.goto(url + "?__theme=light")
                page.wait_for_selector("#dc-chat", timeout=60_000)
                page.fill("#dc-input textarea", args.question)
                page.click("#dc-send")
                page.wait_for_selector("#dc-chat .dc-answer:not(.dc-streaming)", timeout=ANSWER_WAIT_MS)
                page.locator("#dc-chat a.dc-cite").first.click()
                page.wait_for_selector("#dc-source .dc-passage mark", timeout=30_000)
                page.wait_for_timeout(500)  # let the panel's transition finish
                page.screenshot(path=args.out)
                browser.close()
        finally:
            stop_app(proc)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
