"""Write workspace_set.json, the team-workspace calibration set, from the tables below.

The corpus (``workspace/``, 14 working documents of an invented small software company,
"Pellory", which makes a shift-rota app for restaurants and cafés: three meeting notes with
"Attendees:" lines and unpunctuated decision and action-item bullets, a web changelog and
mobile release notes with the version and date only in the section headings, two call
transcripts as plain text, two FAQ pages ("**Q:**"/"A:" pairs and "### How do I ...?"
headings), two README pages of internal tools with install commands in code blocks, a
postmortem and an incident report with bullet timelines, and a plain-text memo) and every
question and key fact here were written by hand for calibration; none is taken from
evals/gold, evals/mixed or mini_squad_v2. It is never fitted on: like the handbook, it is
reported as an unseen family. Run ``.venv/bin/python evals/calibration/make_workspace_set.py``
from the repository root: it writes the set, then checks that every key fact occurs in its
gold pages, that no unanswerable question's probe words occur anywhere, and that no question
names a unit.
"""
from __future__ import annotations

from pathlib import Path

from make_sets import example, write_set  # this folder is on sys.path when run as a script
from set_checks import check_family, read_pages

HERE = Path(__file__).parent
CORPUS = HERE / "workspace"
SYNC, PRICE, PLAN = "2025-03-04-product-sync.md", "2025-04-15-pricing-review.md", "2025-05-06-q3-planning.md"
WEB, MOB = "changelog-web-app.md", "release-notes-mobile.md"
CALL, INT = "call-copperpot-kitchens.txt", "interview-little-fennel.txt"
BILL, INTEG = "faq-billing.md", "faq-integrations.md"
SEED, FLAG = "readme-rotaseed.md", "readme-flagpole.md"
PM, INC, MEMO = "postmortem-2025-03-19-login-outage.md", "incident-2025-05-22-sms-reminders.md", "memo-office-move.txt"

# (question, key facts (one list of variants each), gold pages). Team-member wording: some casual,
# lower case or misspelt. The comment after each says where the answer sits: an unpunctuated
# bullet, a "Field: value" line, a transcript answer line (the question's words are in the
# interviewer's line above it), a section heading (a changelog item whose version is only in
# the heading above it), an FAQ answer, a code block, or running text.
ANSWERABLE = [
    ("who was at the product sync on 4 march?", [["Priya Anselmi"], ["Olu Castellane"]], [SYNC]),  # field
    ("when's the publish banner mockup due", [["7 Mar"]], [SYNC]),  # bullet
    ("what did we decide about the windows desktop app", [["drop the Windows desktop wrapper"]], [SYNC]),  # bullet
    ("How many customers have to use shift swap before it comes out of beta?", [["25 customers"]], [SYNC]),  # bullet
    ("who's updating the pricing page and by when", [["Hana"], ["12 May"]], [PRICE]),  # bullet
    ("How long do existing customers keep the old price?", [["6 months"]], [PRICE]),  # bullet
    ("Who ran the pricing review meeting?", [["Priya"]], [PRICE]),  # field ("Facilitator: Priya")
    ("are we doing a free plan or not", [["No free plan"]], [PRICE]),  # bullet
    ("who missed the Q3 planning meeting?", [["except Felix"]], [PLAN]),  # field ("Attendees: whole team except Felix")
    ("when is the ledgerline payroll export meant to ship", [["end of July"]], [PLAN]),  # bullet
    ("what happened to the labour cost forcast", [["pushed to Q4"]], [PLAN]),  # bullet
    ("Who was timekeeper at the Q3 planning?", [["Mateus"]], [PLAN]),  # field
    ("Which release fixed the login timeout?", [["3.2.0"]], [WEB]),  # heading
    ("which version fixed password reset emails for addresses with a plus sign", [["3.1.1"]], [WEB]),  # heading
    ("When is API v1 being switched off?", [["30 September 2025"]], [WEB]),  # bullet
    ("Which app version added clocking in with a QR code?", [["2.9.0"]], [MOB]),  # heading
    ("whats the minimum ios version for the app now", [["iOS 15"]], [MOB]),  # bullet
    ("which release moved sms reminders onto their own queue",
     [["3.2.1"]], [INC, WEB]),  # heading in the changelog; "shipped in 3.2.1" in the incident's follow-ups
    ("what were copperpot using before pellory?", [["Spreadsheets"]], [CALL]),  # transcript
    ("How many sites does Copperpot Kitchens run?", [["Eleven"]], [CALL]),  # transcript
    ("What annoys Copperpot's managers most about the app?", [["payroll"], ["re-types the hours"]], [CALL]),  # transcript
    ("would copperpot be a reference customer for us", [["once the payroll export is in"]], [CALL]),  # transcript
    ("who did we speak to at copperpot kitchens", [["Marguerite Ashdown"]], [CALL]),  # field ("Present:")
    ("When does Tobiah usually check his shifts?", [["Sunday evening"]], [INT]),  # transcript
    ("why did tobiah stop using the availibility screen", [["freeze"]], [INT]),  # transcript
    ("how do little fennel staff clock in at the moment", [["Paper sheet by the till"]], [INT]),  # transcript
    ("who did the little fennel interview", [["Dara Quennell"]], [INT]),  # field ("Interviewer:")
    ("how long's the free trial", [["21 days"]], [BILL]),  # FAQ
    ("A customer got charged twice, what do I do?", [["Billing log"], ["billing-duplicate"]], [BILL]),  # FAQ
    ("can a customer pay by invoice instead of card", [["annual plans of 50 staff or more"]], [BILL]),  # FAQ
    ("What happens when a trial runs out and they never added a card?", [["read-only for 30 days"]], [BILL]),  # FAQ
    ("how do i connect tillbook", [["Integrations"], ["API key"]], [INTEG]),  # FAQ heading
    ("How often does Tillbook sales data sync?", [["every 15 minutes"]], [INTEG]),  # FAQ
    ("can we hook up to ledgerline yet?", [["Not directly"], ["Reports → Hours → CSV"]], [INTEG]),  # FAQ
    ("how do I install rotaseed",
     [["pip install --index-url https://pkgs.pellory.internal/simple rotaseed"]], [SEED]),  # code block
    ("Can rotaseed be run against production?", [["refuses to run against production"]], [SEED]),  # bullet
    ("who maintains rotaseed", [["Mateus Fenwright"]], [SEED]),  # field
    ("How do I install flagpole?", [["npm install -g @pellory/flagpole"]], [FLAG]),  # code block
    ("whats the licence on flagpole", [["MIT"]], [FLAG]),  # License section
    ("Can I switch a flag on for every account on a Friday?",
     [["Never turn on a flag for all accounts on a Friday"]], [FLAG]),  # bullet
    ("what time did the alerts fire in the login outage", [["13:58"]], [PM]),  # timeline bullet
    ("What was the root cause of the March login outage?", [["hostname"], ["renamed in January"]], [PM]),  # text
    ("how long were logins down on 19 march", [["47 minutes"]], [PM]),  # field ("Duration:")
    ("how deep did the queue get in the sms reminder incident", [["38,000"]], [INC]),  # timeline bullet
    ("Which SMS provider do we use?", [["Textwell"]], [INC]),  # field ("Services:")
    ("Why were the shift reminder texts late on 22 May?", [["share one worker queue"]], [INC]),  # text
    ("when do we move into brackenhall works", [["4 August"]], [MEMO]),  # text
    ("is there parking at the new office", [["no car spaces"]], [MEMO]),  # bullet
]

# (question, probe strings): near-topic questions the documents never answer (a budget never given,
# a person's role never mentioned, a release not in any changelog, a tool never named). The probes
# must not occur anywhere in the corpus; they are a mechanical second check on top of reading every page.
UNANSWERABLE = [
    ("What's our marketing budget for Q3?", ["budget", "marketing"]),
    ("What is Hana's job title?", ["job title", "head of", "marketing", "hana is our"]),
    ("When is web app 3.3.0 coming out?", ["3.3.0"]),
    ("when did mobile 2.8.1 come out", ["2.8.1"]),
    ("Which error tracking tool do we use?", ["sentry", "error tracking", "bugsnag", "rollbar", "crash report"]),
    ("How much does Copperpot Kitchens pay us a year?", ["contract value", "annual revenue", "pays us", "acv"]),
    ("who is our accountant", ["accountant", "bookkeep", "accounting firm"]),
    ("Do we get paid extra for being on call?", ["standby", "on-call pay", "call-out", "on-call allowance"]),
    ("what languages is the app translated into", ["translat", "language", "locali", "french", "german", "spanish"]),
    ("What's the rent at Brackenhall Works?", ["monthly rent", "rent is", "rent of", "per square"]),
    ("Which cloud provider hosts our database?",
     ["aws", "azure", "google cloud", "gcp", "hetzner", "digitalocean", "cloud provider", "amazon"]),
    ("Are we GDPR compliant?", ["gdpr", "data protection", "compliant", "compliance"]),
    ("What uptime do we promise Business customers?", ["uptime", "service level", "99.9"]),
    ("What did the last customer satisfaction survey say?", ["survey", "nps", "satisfaction", "net promoter"]),
    ("How much does Textwell charge us per text?", ["per text", "per sms", "per message", "cost per"]),
    ("Did customers get any compensation for the login outage?",
     ["service credit", "compensat", "credited", "goodwill"]),
    ("what time is the daily standup", ["standup", "stand-up"]),
    ("whats the wifi password at the new office", ["wifi", "wi-fi", "wireless"]),
    ("Is support open at weekends?", ["weekend", "saturday"]),
    ("Which version of Postgres do we run?", ["postgres", "mysql", "database version"]),
    ("how much does tobiah get paid an hour", ["hourly", "wage is", "per hour", "pay rate"]),
]


def check(items: list[dict]) -> None:
    """Every key fact is in its gold pages; no unanswerable probe is anywhere in the corpus; no question names a unit."""
    check_family(items, read_pages(CORPUS),
                 probes=[(f"ws-u{i:02d}", q, words) for i, (q, words) in enumerate(UNANSWERABLE, 1)],
                 plain=[q for q, _, _ in ANSWERABLE] + [q for q, _ in UNANSWERABLE])


def main() -> None:
    items = [example(q, f, g, False, f"ws-a{i:02d}", "answerable") for i, (q, f, g) in enumerate(ANSWERABLE, 1)]
    items += [example(q, [], [], True, f"ws-u{i:02d}", "near_topic") for i, (q, _) in enumerate(UNANSWERABLE, 1)]
    check(items)
    out = HERE / "workspace_set.json"
    write_set(out, items)
    print(f"{out.name}: {len(ANSWERABLE)} answerable, {len(UNANSWERABLE)} unanswerable; key facts checked")


if __name__ == "__main__":
    main()
