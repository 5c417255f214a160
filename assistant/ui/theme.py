"""Look and behaviour in the browser: the Gradio theme, the CSS and one small script.

The script does three things Gradio has no event for: a click on an inline
``[n]`` (an ``<a class="dc-cite" href="#cite-T-N">``) writes "T:N:nonce" into a
hidden textbox and clicks a hidden button, whose Python handler fills the
source panel; "Copy" links copy an answer as plain text; and the theme button
switches light/dark and remembers the choice.
"""
from __future__ import annotations


def theme():
    """The Gradio theme (built lazily so importing this module needs no Gradio)."""
    import gradio as gr

    # System fonts only: the stock themes fetch Google Fonts, and the app runs offline.
    return gr.themes.Soft(
        primary_hue="indigo",
        neutral_hue="slate",
        radius_size="md",
        font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


CSS = r"""
:root, body { --dc-mark: #fde68a; --dc-mark-fg: #1f2937; --dc-hit: rgba(234, 179, 8, .13);
  --dc-cite-bg: #e0e7ff; --dc-cite-fg: #3730a3; --dc-cite-active: #6366f1;
  --dc-refused-bg: #f1f5f9; --dc-refused-line: #94a3b8; --dc-error-bg: #fef2f2; --dc-error-line: #dc2626;
  --dc-ok: #15803d; --dc-bad: #b91c1c; --dc-muted: #64748b; }
body.dark { --dc-mark: #a16207; --dc-mark-fg: #fefce8; --dc-hit: rgba(234, 179, 8, .12);
  --dc-cite-bg: #312e81; --dc-cite-fg: #e0e7ff; --dc-cite-active: #818cf8;
  --dc-refused-bg: #1e293b; --dc-refused-line: #64748b; --dc-error-bg: #3b0d0d; --dc-error-line: #f87171;
  --dc-ok: #4ade80; --dc-bad: #fca5a5; --dc-muted: #94a3b8; }

.gradio-container { max-width: 1280px !important; }
#dc-header { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
#dc-header h1 { font-size: 1.35rem; margin: 0; }
#dc-header .dc-sub { color: var(--dc-muted); font-size: .9rem; }
#dc-theme { max-width: 9rem; }

/* answers */
.dc-answer { line-height: 1.55; }
.dc-body { overflow-wrap: anywhere; }
a.dc-cite, .dc-cite-sample { display: inline-block; padding: 0 .32em; margin: 0 .08em; border-radius: .4em;
  background: var(--dc-cite-bg); color: var(--dc-cite-fg) !important; font-size: .78em; font-weight: 600;
  line-height: 1.5; text-decoration: none !important; vertical-align: .12em; cursor: pointer; }
a.dc-cite:hover, a.dc-cite:focus-visible, a.dc-cite.dc-active { outline: 2px solid var(--dc-cite-active); outline-offset: 0; }
.dc-sources { margin-top: .6em; padding-top: .45em; border-top: 1px solid var(--border-color-primary); font-size: .84em; }
.dc-sources-title { font-weight: 600; color: var(--dc-muted); font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; }
.dc-sources ol { list-style: none; margin: .25em 0 0 0 !important; padding: 0 !important; }
.dc-sources li { margin: .15em 0; overflow-wrap: anywhere; }
.dc-file { font-family: var(--font-mono); font-size: .92em; }
.dc-lines, .dc-score { color: var(--dc-muted); white-space: nowrap; }
.dc-meta { margin-top: .5em; font-size: .78em; color: var(--dc-muted); }
.dc-badge { display: inline-block; padding: 0 .45em; border-radius: 999px; border: 1px solid var(--border-color-primary);
  font-weight: 600; color: var(--body-text-color); }
.dc-badge-local { border-color: #16a34a; } .dc-badge-openai { border-color: #2563eb; }
.dc-badge-extractive, .dc-badge-extractive-fallback { border-color: #9333ea; }
a.dc-copy { color: var(--dc-muted) !important; text-decoration: underline dotted !important; cursor: pointer; }
.dc-note { margin-top: .45em; font-size: .85em; color: var(--dc-muted); }
.dc-refused { border-left: 3px dashed var(--dc-refused-line); background: var(--dc-refused-bg); padding: .5em .75em; border-radius: 6px; }
.dc-refusal-title, .dc-error-title { font-weight: 700; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--dc-muted); }
.dc-refused .dc-body { font-style: italic; }
.dc-why { font-size: .8em; color: var(--dc-muted); margin-top: .3em; } .dc-why ul { margin: .2em 0 0 1.2em; }
.dc-error { border-left: 3px solid var(--dc-error-line); background: var(--dc-error-bg); padding: .5em .75em; border-radius: 6px; }
.dc-fix { margin-top: .35em; font-size: .9em; }
.dc-wait { color: var(--dc-muted); font-style: italic; }
.dc-streaming .dc-caret { display: inline-block; width: .5em; height: 1em; margin-left: .1em; vertical-align: -.12em;
  background: var(--dc-cite-active); animation: dc-blink 1s steps(1) infinite; }
@keyframes dc-blink { 50% { opacity: 0; } }
.dc-stopped .dc-body { opacity: .8; }

/* source panel */
#dc-source { min-height: 12rem; }
.dc-source { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .75em .85em; background: var(--background-fill-secondary); }
.dc-source-title { font-weight: 700; margin-bottom: .3em; }
.dc-source-empty p { color: var(--dc-muted); margin: 0; }
.dc-source-head { display: flex; flex-wrap: wrap; gap: .25em .6em; align-items: baseline; margin-bottom: .55em; }
.dc-source-n { font-weight: 700; color: var(--dc-cite-fg); background: var(--dc-cite-bg); border-radius: .4em; padding: 0 .35em; }
.dc-passage { font-size: .9rem; line-height: 1.5; max-height: 60vh; overflow: auto; }
.dc-line { display: flex; gap: .6em; padding: .1em .2em; border-radius: 4px; }
.dc-line.dc-hit { background: var(--dc-hit); }
.dc-line.dc-blank { line-height: .5; font-size: .7em; }
.dc-line.dc-blank .dc-ln { visibility: hidden; }
.dc-ln { flex: 0 0 2.6em; text-align: right; color: var(--dc-muted); font-family: var(--font-mono); font-size: .8em; padding-top: .15em; user-select: none; }
.dc-tx { flex: 1 1 auto; white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }
.dc-line:not(.dc-hit) .dc-tx { color: var(--dc-muted); }
.dc-passage mark { background: var(--dc-mark); color: var(--dc-mark-fg); padding: 0 .1em; border-radius: 3px; }

/* corpus and settings */
.dc-files table { width: 100%; border-collapse: collapse; font-size: .9rem; border: none !important; }
.dc-files caption { text-align: left; color: var(--dc-muted); padding-bottom: .4em; }
.dc-files th, .dc-files td { text-align: left; padding: .35em .5em; border: none !important;
  border-bottom: 1px solid var(--border-color-primary) !important; white-space: nowrap; background: transparent !important; }
.dc-files tr { border: none !important; }
.dc-files td.dc-file { white-space: normal; word-break: break-all; }
.dc-files tr.dc-skip td { white-space: normal; }
.dc-files td.dc-num, .dc-files th:nth-child(3) { text-align: right; }
.dc-files .dc-ok, .dc-report .dc-ok, .dc-notice.dc-ok { color: var(--dc-ok); }
.dc-files tr.dc-skip td, .dc-report .dc-bad, .dc-notice.dc-bad { color: var(--dc-bad); }
.dc-notice.dc-ok { color: var(--body-text-color); }
.dc-report { margin: .3em 0 0 1.1em; font-size: .9rem; }

@media (max-width: 640px) {
  .gradio-container { padding: 6px !important; }
  #dc-header h1 { font-size: 1.1rem; }
  .dc-files table { font-size: .8rem; }
  .dc-files th, .dc-files td { padding: .3em .3em; }
  .dc-passage { max-height: 50vh; }
}
"""

JS = r"""
() => {
  if (window.__dcReady) return;
  window.__dcReady = true;
  const stored = localStorage.getItem('dc-theme');
  const forced = new URLSearchParams(location.search).get('__theme');
  if (stored && !forced) document.body.classList.toggle('dark', stored === 'dark');

  async function copyText(text) {
    try { await navigator.clipboard.writeText(text); return true; }
    catch (_) {  // plain http beyond localhost has no clipboard API
      const ta = document.createElement('textarea');
      ta.value = text; ta.style.position = 'fixed'; ta.style.opacity = '0';
      document.body.appendChild(ta); ta.select();
      let ok = false; try { ok = document.execCommand('copy'); } catch (_) {}
      ta.remove(); return ok;
    }
  }
  function answerText(root) {
    const body = root.querySelector('.dc-body');
    let text = body ? body.innerText.trim() : '';
    const rows = root.querySelectorAll('.dc-sources li');
    if (rows.length) text += '\n\nSources:\n' + Array.from(rows, li => li.innerText.replace(/\s+/g, ' ').trim()).join('\n');
    return text;
  }
  async function copyFrom(root, label) {
    if (!root) return;
    const ok = await copyText(answerText(root));
    if (label) { const was = label.textContent; label.textContent = ok ? 'Copied' : 'Copy failed'; setTimeout(() => { label.textContent = was; }, 1500); }
  }
  window.dcCopyLast = () => {
    const all = document.querySelectorAll('#dc-chat .dc-answer');
    return copyFrom(all.length ? all[all.length - 1] : null, null);
  };
  window.dcToggleTheme = () => {
    const dark = !document.body.classList.contains('dark');
    document.body.classList.toggle('dark', dark);
    localStorage.setItem('dc-theme', dark ? 'dark' : 'light');
  };
  function openCite(a, turn, n) {
    document.querySelectorAll('a.dc-cite.dc-active').forEach(x => x.classList.remove('dc-active'));
    a.classList.add('dc-active');
    const box = document.querySelector('#dc-cite-box textarea, #dc-cite-box input');
    const go = document.querySelector('#dc-cite-go');
    if (!box || !go) return;
    box.value = turn + ':' + n + ':' + Date.now();  // the nonce makes a repeated click a change too
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => go.click(), 0);
    const panel = document.querySelector('#dc-source');
    if (panel && panel.getBoundingClientRect().top > window.innerHeight - 80)
      setTimeout(() => panel.scrollIntoView({ behavior: 'smooth', block: 'start' }), 300);
  }
  document.addEventListener('click', (e) => {
    const a = e.target.closest ? e.target.closest('a.dc-cite, a.dc-copy') : null;
    if (!a) return;
    const href = a.getAttribute('href') || '';
    e.preventDefault(); e.stopPropagation();
    if (a.classList.contains('dc-copy')) { copyFrom(a.closest('.dc-answer'), a); return; }
    const m = href.match(/^#cite-(\d+)-(\d+)$/);
    if (m) openCite(a, m[1], m[2]);
  }, true);
}
"""
