"""Write encyclopedia_spanning.json and helpdesk_spanning.json (LabelledRagDataset JSON), then check them.

Two small calibration sets of questions whose answer is more than one sentence's
fact, over the existing encyclopedia (``encyclopedia/``, 12 articles) and help
desk (``helpdesk/``, 24 Quillnote pages) corpora:

- ``list``: the answer is several items of ONE file, in one sentence, a table
  or spread over several sentences or bullet lines; one key fact per item
  (2 to 5).
- ``multi_doc``: the answer needs facts from TWO OR MORE files; one key fact per
  needed fact (2 to 4), each tagged with the file it is taken from. Some ask
  with an explicit cue ("compare", "both", "across the articles", "do the pages
  agree"); at least four per corpus have no such cue and only say what they
  want to know.

Every question and key fact was written by hand after reading both corpora in
full; none is taken from evals/gold, shared datasets or mini_squad_v2, and no
question repeats one of the other calibration sets in this folder. Everything is
answerable. Run ``.venv/bin/python evals/calibration/make_spanning_sets.py``
from the repo root: it checks that every key fact occurs in its gold files (a
multi-document fact in the very file it is tagged with), that every gold file of
a multi-document question holds at least one of its key facts and no single gold
file holds them all, and that enough multi-document questions have no cue words,
then writes both sets and prints a summary.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repo root, for ``assistant``

from assistant.evals.metrics import facts_found  # noqa: E402
from make_sets import example, write_set  # noqa: E402  (this folder is on sys.path when run as a script)

ENC_NAME, HD_NAME = "encyclopedia_spanning.json", "helpdesk_spanning.json"

# -- encyclopedia ---------------------------------------------------------------------------------
VEL, COR, LAMP, KES = "velna_river.txt", "matthias_corvell.txt", "brask_safety_lamp.txt", "kessary.txt"
TRE, SHR, SAR, KAR = "treaty_of_halsey_ford.txt", "saltmarsh_shrike.txt", "sarranda.txt", "karvel_range.txt"
DFC, CV, UNI, FER = "dunmere_fc.txt", "carvium.txt", "university_of_kessary.txt", "the_ferrywoman_at_dusk.txt"

# (question, key facts (one list of variants per item), gold file).
ENC_LIST = [
    ("Which tributaries join the Velna on its way to the sea?", [["Siska"], ["Marrow"], ["Lenn"]], VEL),
    ("Who led the two delegations at the Halsey Ford peace talks, and who mediated between them?",
     [["Ebbe Sandvik"], ["Reinhold von Asch"], ["Pieter Haase"]], TRE),
    ("What does the saltmarsh shrike eat?", [["beetles"], ["grasshoppers"], ["bumblebees"], ["lizards"]], SHR),
    ("what wild animals live in the karvel mountains", [["wolverine"], ["lynx"], ["wild reindeer"], ["golden eagle"]],
     KAR),
    ("Which metals came out of the Brask mines?", [["silver"], ["zinc"], ["lead"], ["carvium"]], KAR),
    ("Which faculties did the University of Kessary have in its first two centuries?",
     [["theology"], ["law"], ["medicine"], ["the arts", "arts"]], UNI),
    ("What has carvium been used for over the years?",
     [["carvium tin oxide", "touchscreens"], ["aircraft engines"], ["fire sprinklers"], ["semiconductors"],
      ["solders"]], CV),
    ("In which years did Dunmere FC win the national championship?", [["1931"], ["1934"], ["1967"], ["2004"]], DFC),
    ("What museums and concert venues does Kessary have?",
     [["Kessary Museum of Art"], ["National Maritime Museum"], ["Harbour Opera"]], KES),
    ("What works has The Ferrywoman at Dusk inspired?",
     [["poems"], ["sarranda song"], ["television film"]], FER),
]

# (question, key facts as (file, variants), further gold files that also give one of the facts).
ENC_MULTI = [
    # With a cue that the answer spans articles.
    ("Corvell and Ellefsen were both honoured by the Arvenian Academy of Sciences. Which medal did each get, "
     "and when?",
     [(COR, ["gold medal"]), (COR, ["1864"]), (LAMP, ["silver medal"]), (LAMP, ["1875"])], ()),
    ("Compare the length of the Velna with the length of the Karvel Range.",
     [(VEL, ["612 kilometres", "612 km"]), (KAR, ["340 kilometres"])], ()),
    ("Across the articles, which disaster killed more people: the Brask mine explosion of 1868 or the Velna "
     "flood of 1887?",
     [(LAMP, ["57"]), (VEL, ["214"])], ()),
    ("What do the articles on the Velna and on the saltmarsh shrike say about the Velna Delta Reserve?",
     [(VEL, ["11,200 hectares"]), (VEL, ["1989"]), (SHR, ["more than a third"])], ()),
    # No cue: the question only says what it wants to know.
    ("What links the singer Ragna Thule to Dunmere FC and to the University of Kessary, and what was her "
     "biggest hit?",
     [(DFC, ["Blue Water"]), (UNI, ["honorary doctorate"]), (SAR, ["Lanterns on the Velna"])], ()),
    ("Who was the first woman to lecture at the University of Kessary, and who was the first to earn a "
     "doctorate there?",
     [(COR, ["Lotte Hammar"]), (UNI, ["Helga Vinje"])], ()),
    ("where do the two clubs in the velna derby play their home games",
     [(DFC, ["Lockside Park"]), (KES, ["Gullhaven Stadium"])], ()),
    ("How much higher is the summit of Mount Tessel than the lake where the Velna rises?",
     [(KAR, ["2,941 metres"]), (VEL, ["1,840 metres"]), (VEL, ["Lake Orva"])], ()),
    ("What does the saltmarsh shrike's scientific name mean, and where in Kessary is its type specimen kept?",
     [(SHR, ["marsh dweller"]), (UNI, ["Museum of Natural History"])], ()),
    ("What flood defences were built in Kessary and along the lower Velna after the flood of 1887?",
     [(KES, ["stone embankments"]), (VEL, ["Velna Works Act"]), (VEL, ["Ostrander Canal"])], ()),
]

# -- help desk ------------------------------------------------------------------------------------
PLANS, STORAGE, CHANGE = "plans-and-pricing.md", "attachments-and-storage.md", "changing-or-cancelling-a-plan.md"
DELETE, RETAIN, SUPPORT = "deleting-your-account.md", "data-retention-and-trash.md", "contacting-support.md"
OFFLINE, MOBILE, DESKTOP = "offline-mode.md", "mobile-apps.md", "desktop-app.md"
SYNC, MEMBERS, INTEG, API = "troubleshooting-sync.md", "workspaces-and-members.md", "integrations.md", "api-tokens.md"
EXPORT, IMPORT = "exporting-notebooks.md", "importing-notes.md"

HD_LIST = [
    ("What apps and file types can I import notes from?",
     [["Evernote"], ["Notion"], ["Confluence"], ["Microsoft Word", ".docx"], ["Plain text", ".txt"]], IMPORT),
    ("which formats can i export my notes to", [["PDF"], ["Markdown"], ["HTML"], [".docx", "Word"]], EXPORT),
    ("What are the different states the sync icon can show?",
     [["Green cloud"], ["Blue arrows"], ["Grey cloud"], ["Red exclamation mark"]], SYNC),
    ("Which placeholders can I put in a template so they get filled in automatically?",
     [["{{date}}"], ["{{time}}"], ["{{user}}"], ["{{notebook}}"]], "templates.md"),
    ("What encryption and security audits protect my data?", [["TLS 1.2"], ["AES-256"], ["SOC 2 Type II", "SOC 2"]],
     "security-and-two-factor.md"),
    ("What widgets can I add to my phone's home screen?", [["Recent notes"], ["Pinned notes"], ["Quick note"]], MOBILE),
    ("What permissions can I give an API token?", [["notes:read"], ["notes:write"], ["members:read"], ["admin"]], API),
    ("In which package formats can I get the Linux desktop app?", [[".deb"], [".rpm"], ["AppImage"]], DESKTOP),
    ("Besides English, which languages can I email support in?", [["German"], ["French"], ["Spanish"]], SUPPORT),
    ("Customers in which countries or regions can put a VAT or tax ID on their invoices?",
     [["the EU", "European Union"], ["the UK", "United Kingdom"], ["Norway"], ["Switzerland"], ["Australia"]],
     "billing-and-invoices.md"),
]

HD_MULTI = [
    # With a cue that the answer spans pages.
    ("Both the desktop and the mobile apps have quick capture. How do I start it on each?",
     [(DESKTOP, ["Ctrl+Alt+N"]), (MOBILE, ["Long-press"]), (MOBILE, ["Quick note"])], ()),
    ("Do the offline page and the mobile apps page agree on which notes I can read offline on my phone?",
     [(OFFLINE, ["14 days"]), (MOBILE, ["Recently opened notes"]), (OFFLINE, ["Plus plan or higher"])], ()),
    ("Compare what happens to my notes when I cancel my subscription and when I delete my account.",
     [(CHANGE, ["stops future payments"]), (DELETE, ["30 days"]), (DELETE, ["permanently erased"])], ()),
    ("Looking across the help pages, what does the web app do when my connection drops, and what does the sync "
     "icon show while I'm offline?",
     [(OFFLINE, ["yellow banner"]), (SYNC, ["Grey cloud with a slash", "Grey cloud"])], ()),
    # No cue: the question only says what it wants to know.
    ("I'm on Plus and use about 30 GB. If I downgrade to Free, when does it happen, do I lose my files, and how "
     "much storage does Free give me?",
     [(CHANGE, ["end of the current billing period"]), (CHANGE, ["existing files stay available"]),
      (PLANS, ["2 GB"])], (STORAGE,)),
    ("can i use the slack integration or the api on the free plan",
     [(INTEG, ["does not include integrations"]), (INTEG, ["Plus, Team and Enterprise"]),
      (API, ["Team and Enterprise plans only"])], ()),
    ("After the grace period on my deleted account ends, how long can my data stay in your backups, and how "
     "often are backups made?",
     [(DELETE, ["within 60 days", "60 days after"]), (RETAIN, ["every 24 hours", "24 hours"]),
      (RETAIN, ["35 days"])], ()),
    ("We're five people looking at the Team plan. What would it cost per month, and how fast does support "
     "answer on that plan?",
     [(PLANS, ["$14 per member per month", "$14"]), (SUPPORT, ["8 business hours"]), (SUPPORT, ["live chat"])], ()),
    ("A colleague is leaving. If we remove them from the workspace and they then delete their account, what "
     "happens to their private notebooks and to the notes they wrote?",
     [(MEMBERS, ["Transferred"]), (DELETE, ["Deleted user"])], ()),
    ("Do comments survive when I export a notebook to PDF, or when I import Word documents?",
     [(EXPORT, ["footnotes"]), (IMPORT, ["Comments are not imported", "not imported"])], ()),
]

# Words that tell the reader the answer spans files; at least MIN_UNCUED multi-document questions per
# corpus have none of them.
CUES = re.compile(r"\b(across|both|compare|compared|agree|articles?|pages?|each|versus|differ)\b", re.I)
MIN_UNCUED = 4


def items(lists, multis, prefix: str) -> list[dict]:
    xs = [example(q, f, [g], False, f"{prefix}-l{i:02d}", "list") for i, (q, f, g) in enumerate(lists, 1)]
    for i, (q, tagged, also) in enumerate(multis, 1):
        gold = list(dict.fromkeys([name for name, _ in tagged] + list(also)))
        xs.append(example(q, [v for _, v in tagged], gold, False, f"{prefix}-m{i:02d}", "multi_doc"))
    return xs


def check(corpus: Path, lists, multis, xs: list[dict]) -> None:
    """Key facts in their files; list items 2-5 facts from one file; multi-doc items 2-4 facts needing 2+ files."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus.iterdir()) if p.is_file()}
    bad = []
    for x in xs:
        assert all(g in pages for g in x["gold_sources"]), (x["id"], x["gold_sources"])
        text = "\n".join(pages[g] for g in x["gold_sources"])
        found = facts_found(text, x["key_facts"])
        if not all(found):
            bad.append(f'{x["id"]}: {[f for f, ok in zip(x["key_facts"], found) if not ok]}')
    assert not bad, "key facts not in gold sources:\n" + "\n".join(bad)
    for q, facts, gold in lists:
        assert 2 <= len(facts) <= 5, (q, len(facts))
        assert all(facts_found(pages[gold], facts)), q
    for q, tagged, also in multis:
        assert 2 <= len(tagged) <= 4, (q, len(tagged))
        facts = [v for _, v in tagged]
        for name, variants in tagged:  # each fact is in the file it is tagged with
            assert facts_found(pages[name], [variants])[0], (q, name, variants)
        gold = list(dict.fromkeys([name for name, _ in tagged] + list(also)))
        assert len({name for name, _ in tagged}) >= 2, ("needs two files", q)
        for name in gold:  # every gold file gives at least one fact, and none gives them all
            found = facts_found(pages[name], facts)
            assert any(found), ("gold file gives no fact", q, name)
            assert not all(found), ("one file answers it all", q, name)
    uncued = [q for q, _, _ in multis if not CUES.search(q)]
    assert len(uncued) >= MIN_UNCUED, ("too few multi-document questions without cues", uncued)


def earlier_queries() -> set[str]:
    """The queries of the other calibration sets in this folder (none may be reused)."""
    out = set()
    for p in HERE.glob("*.json"):
        if p.name in (ENC_NAME, HD_NAME):
            continue
        data = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            out |= {" ".join(x["query"].lower().split()) for x in data.get("examples", [])}
    return out


def main() -> None:
    seen = earlier_queries()
    sets = [
        (ENC_NAME, HERE / "encyclopedia", ENC_LIST, ENC_MULTI, "es"),
        (HD_NAME, HERE / "helpdesk", HD_LIST, HD_MULTI, "hs"),
    ]
    for name, corpus, lists, multis, prefix in sets:
        xs = items(lists, multis, prefix)
        check(corpus, lists, multis, xs)
        queries = [" ".join(x["query"].lower().split()) for x in xs]
        assert len(set(queries)) == len(queries), f"{name}: duplicate question"
        reused = [q for q in queries if q in seen]
        assert not reused, (name, "reuses questions of another calibration set", reused)
        write_set(HERE / name, xs)
        uncued = sum(1 for q, _, _ in multis if not CUES.search(q))
        n_facts = sum(len(x["key_facts"]) for x in xs)
        print(f"{name}: {len(lists)} list, {len(multis)} multi_doc ({uncued} without cue words), "
              f"{n_facts} key facts; checked")


if __name__ == "__main__":
    main()
