"""Write handbook_set.json, the employee-handbook calibration set, from the tables below.

The corpus (``handbook/``, 13 handbook and policy pages of an invented logistics
company, "Kettlewick Logistics": ten Markdown pages with steps, FAQ headings and
pipe tables, three plain-text pages) and every question and key fact here were
written by hand for calibration; none is taken from evals/gold or mini_squad_v2.
Run ``.venv/bin/python evals/calibration/make_handbook_set.py`` from the repository
root: it writes the set, then checks that every key fact occurs in its gold
pages, that no unanswerable question's probe words occur anywhere, and that
every unit question names a unit (and an answerable one's pages give a figure in it).
"""
from __future__ import annotations

from pathlib import Path

from make_sets import example, write_set  # this folder is on sys.path when run as a script
from set_checks import check_family, read_pages

HERE = Path(__file__).parent
CORPUS = HERE / "handbook"
ON, LV, PL, EX = "onboarding.md", "leave-and-holidays.md", "parental-leave.md", "expenses-and-travel.md"
RW, SEC, BEN = "remote-work-and-equipment.md", "security-and-passwords.md", "benefits-and-pension.md"
PERF, OFF, IT = "performance-reviews.md", "offices-and-facilities.md", "it-support-and-on-call.md"
COC, CEO, LEAVE = "code-of-conduct.txt", "letter-from-the-ceo.txt", "leaving-kettlewick.txt"

# (question, key facts (one list of variants each), gold pages). Employee-style wording:
# paraphrased, some casual, lower case or misspelt; "how do I" questions take the menu and
# button names of the answering steps as facts; several answers sit in a table row.
ANSWERABLE = [
    ("how long is probation here", [["six months"]], [ON]),
    ("I'm starting on Monday. What time should I turn up and what do I need to bring?",
     [["9:30"], ["photo ID"]], [ON]),
    ("Do software developers really have to go to the warehouse in their first week?",
     [["Hub Day"], ["not optional"]], [ON]),
    ("Who gets picked as my onboarding buddy?", [["another team"], ["at least a year"]], [ON]),
    ("how many vacation days do I get after 6 years?", [["27 days"]], [LV]),
    ("Can I roll unused holiday over into next year?", [["5 days"], ["31 March"]], [LV]),
    ("how do i book a day of", [["Time off"], ["Request leave"]], [LV]),
    ("From which day of being sick do I need a note from the doctor?", [["fourth day"]], [LV]),
    ("What other kinds of paid leave are there apart from normal vacation?",
     [["Compassionate leave"], ["Volunteering"], ["Emergency family leave"]], [LV]),
    ("how long is paternaty leave", [["6 weeks"]], [PL]),
    ("When do I have to tell the company we're expecting a baby?", [["15 weeks"]], [PL]),
    ("Do I have to take my second parent leave all in one go?", [["two blocks"]], [PL]),
    ("Who in HR handles parental leave?", [["Lise Tormund"]], [PL]),
    ("Will I still build up holiday while I'm off on maternity leave?", [["continues to accrue"]], [PL]),
    ("how much can i spend on a hotel in brenzig", [["€150"]], [EX]),
    ("How do I get money back for something I paid for on a work trip?", [["New expense"], ["Submit"]], [EX]),
    ("Lost the receipt from a client dinner, can I still get reimbursed?",
     [["Missing receipt declaration"]], [EX]),
    ("Who has to sign off if I want to fly business class?", [["Chief Financial Officer"]], [EX]),
    ("How many days a week am I expected to be in the office?", [["two days a week"]], [RW]),
    ("is there any money for setting up a desk at home", [["€450"]], [RW]),
    ("Can I work from another country for a while, and for how long?", [["20 working days"]], [RW]),
    ("whats the minimum pasword length", [["14 characters"]], [SEC]),
    ("I got a strange email asking me to log in somewhere. What do I do with it?", [["Report phish"]], [SEC]),
    ("Someone stole my work laptop out of my car. Who do I call and how fast?",
     [["4400"], ["within one hour"]], [SEC, IT]),
    ("who runs our pension", [["Aldergrove Pension Trust"]], [BEN]),
    ("Can I put my husband and kids on my health insurance, and who pays for it?", [["50%"]], [BEN]),
    ("How many free counselling sessions do we recieve in a year?", [["six counselling sessions"]], [BEN]),
    ("how many colleagues can I ask for peer feedback", [["three to five"]], [PERF]),
    ("What bonus do I get if I'm rated exceeds expectations?", [["125%"]], [PERF]),
    ("I think my rating is unfair. Can I challenge it?", [["10 working days"], ["skip-level manager"]], [PERF]),
    ("Where exactly is the Ashcombe office?", [["Glasshouse Yard"]], [OFF]),
    ("can i park my car at the ashcombe office", [["No parking"]], [OFF]),
    ("How do I get a new program installed on my laptop?", [["Request something"], ["Software"]], [IT]),
    ("if the warehouse system crashes how fast does IT respond", [["15 minutes"]], [IT]),
    ("Is a supplier allowed to give me a present?", [["50 euros"], ["gifts register"]], [COC]),
    ("How can I report wrongdoing without giving my name?", [["Clearline"]], [COC]),
    ("who is the ceo", [["Marit Olsborne"]], [CEO]),
    ("What are the company's values?", [["Say it straight"], ["Carry your share"], ["Leave it better"]], [CEO]),
    ("whats my notice period if i've been here 3 years", [["two months"]], [LEAVE]),
    ("What do I need to give back on my last day?", [["laptop"], ["access badge"], ["company card"]], [LEAVE]),
]
# Questions that name the unit of the figure they ask for (assistant/units.py refuses them when no
# retrieved passage gives a figure in that unit); the key fact is the figure as the page writes it.
# "In days" or "how many weeks" would be the natural units here, but units.py has no family for time.
UNIT_ANSWERABLE = [
    ("what's the mileage rate if I use my own car, in euros?", [["€0.32 per kilometre"]], [EX]),
    ("What percentage of my salary does Kettlewick put into my pension if I'm 40?", [["8%"]], [BEN]),
    ("How many GB of RAM do the developer laptops come with?", [["32 GB"]], [RW]),
    ("How many kilometres is the Meridan Hub from head office?", [["18 kilometres"]], [OFF]),
    ("how much is on-call standby on a public holiday in euros", [["€120 per day"]], [IT]),
]
ANSWERABLE += UNIT_ANSWERABLE

# (question, probe strings): near-topic questions the pages never answer (a benefit that does not
# exist, a property never stated, a place or year not covered). The probes must not occur anywhere
# in the corpus; they are a mechanical second check on top of reading every page.
UNANSWERABLE = [
    ("What's the deductible on the dental plan?", ["dental", "deductible"]),
    ("How much is the uniform allowance for people working at the hub?",
     ["uniform", "clothing allowance", "workwear"]),
    ("Can I take a sabbatical once I've been here ten years?", ["sabbatical", "career break"]),
    ("What are the opening hours of the Varnholm depot?", ["varnholm", "depot"]),
    ("does kettlewick help pay for childcare", ["childcare", "creche", "crèche", "nursery", "day care", "daycare"]),
    ("Am I eligible for a company car?", ["company cars", "car allowance", "lease car", "car scheme"]),
    ("How many days off do I get when I move house?", ["moving house", "move house", "relocation", "moving day"]),
    ("Which days are public holidays in 2026?", ["2026"]),
    ("Do I get paid leave if I'm called up for jury service?", ["jury"]),
    ("can i buy extra holiday days", ["buy extra", "buy additional", "purchase leave", "holiday purchase"]),
    ("Do employees get share options?", ["share option", "stock option", "equity", "shares in"]),
    ("Can I bring my dog to the office?", ["dog", "animal"]),
    ("Does the VPN work on Linux laptops?", ["linux", "vpn"]),
    ("Who is our data protection officer?", ["data protection officer", "dpo"]),
    ("Will Kettlewick pay for evening language classes?", ["language", "tuition"]),
]
# Naming a unit no page gives a figure in for the subject. Dollars occur nowhere; the others are
# harder, as the family does occur elsewhere: percentages (pension, bonus, parental pay), kilometres
# (the hub's distance, mileage), GB (laptop RAM) and euros (almost every page).
UNIT_UNANSWERABLE = [
    ("How much is the daily meal allowance in dollars?", ["$", "dollar", "usd"]),
    ("What percentage discount do employees get when they ship their own parcels?",
     ["discount", "staff rate", "employee rate"]),
    ("How many kilometres long is the staff shuttle route between the offices?", ["shuttle", "bus route"]),
    ("How many GB is the email mailbox quota?", ["mailbox", "quota", "inbox size"]),
    ("How much is the Christmas bonus in euros?", ["christmas bonus", "thirteenth", "13th month", "year-end bonus"]),
]
UNANSWERABLE += UNIT_UNANSWERABLE


def check(items: list[dict]) -> None:
    """Every key fact is in its gold pages; no unanswerable probe is anywhere in the corpus; units as the lists say."""
    check_family(items, read_pages(CORPUS),
                 probes=[(f"hb-u{i:02d}", q, words) for i, (q, words) in enumerate(UNANSWERABLE, 1)],
                 unit_answerable=[(q, gold) for q, _, gold in UNIT_ANSWERABLE],
                 unit_unanswerable=[q for q, _ in UNIT_UNANSWERABLE],
                 plain=[q for q, _, _ in ANSWERABLE[:-len(UNIT_ANSWERABLE)]] + [q for q, _ in UNANSWERABLE[:-len(UNIT_UNANSWERABLE)]])


def main() -> None:
    items = [example(q, f, g, False, f"hb-a{i:02d}", "answerable") for i, (q, f, g) in enumerate(ANSWERABLE, 1)]
    items += [example(q, [], [], True, f"hb-u{i:02d}", "near_topic") for i, (q, _) in enumerate(UNANSWERABLE, 1)]
    check(items)
    out = HERE / "handbook_set.json"
    write_set(out, items)
    print(f"{out.name}: {len(ANSWERABLE)} answerable, {len(UNANSWERABLE)} unanswerable; key facts checked")


if __name__ == "__main__":
    main()
