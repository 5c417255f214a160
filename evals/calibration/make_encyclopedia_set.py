"""Write encyclopedia_set.json (LabelledRagDataset JSON) from the tables below, then check its key facts.

A calibration corpus in the style of a general encyclopedia: twelve articles in
encyclopedia/, written for calibration (the subjects are fictional; what the
articles say is the truth for this corpus). Every question and key fact was
written by hand; none is taken from evals/gold or mini_squad_v2. Run
``.venv/bin/python evals/calibration/make_encyclopedia_set.py`` from the repo root.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repo root, for ``assistant``

from make_sets import example, write_set  # noqa: E402  (this folder is on sys.path when run as a script)
from set_checks import check_family, read_pages  # noqa: E402

CORPUS = HERE / "encyclopedia"
VEL, COR, LAMP, KES = "velna_river.txt", "matthias_corvell.txt", "brask_safety_lamp.txt", "kessary.txt"
TRE, SHR, SAR, KAR = "treaty_of_halsey_ford.txt", "saltmarsh_shrike.txt", "sarranda.txt", "karvel_range.txt"
DFC, CV, UNI, FER = "dunmere_fc.txt", "carvium.txt", "university_of_kessary.txt", "the_ferrywoman_at_dusk.txt"

# (question, key facts (one list of variants each), gold files): reading-comprehension style,
# often reusing some of the sentence's words.
ANSWERABLE = [
    ("What does the name Velna mean?", [["slow water"]], [VEL]),
    ("how long is the velna river", [["612 kilometres", "612 km"]], [VEL]),
    ("Which flood led to the Velna Works Act, and how many people drowned in it?", [["1887"], ["214"]], [VEL]),
    ("Under whom did Corvell do his doctorate?", [["Anselm Rauth"]], [COR]),
    ("what did corvell die of", [["pneumonia"]], [COR]),
    ("Where did Corvell work from 1847 to 1849, and in whose lab?", [["Heidelberg"], ["Robert Bunsen"]], [COR]),
    ("Who invented the Brask safety lamp?", [["Jakob Ellefsen"]], [LAMP]),
    ("How many miners were killed in the Brask disaster?", [["57"]], [LAMP]),
    ("When did Kessary recieve its royal charter?", [["1214"]], [KES]),
    ("Is it true that Kessary is the capital of Arvenia?", [["second-largest city"]], [KES]),
    ("When was the Treaty of Halsey Ford signed?", [["9 September 1654"]], [TRE]),
    ("How much indemnity did Arvenia agree to pay Vossberg?", [["1.2 million thalers"]], [TRE]),
    ("Where do saltmarsh shrikes spend the winter?", [["Senegal"], ["Gambia"]], [SHR]),
    ("how many eggs do saltmarsh shrikes lay", [["four to six"]], [SHR]),
    ("Which instruments traditionally accompany sarranda?", [["accordion"], ["vell"], ["double bass"]], [SAR]),
    ("Who is known as the father of sarranda?", [["Emil Osk"]], [SAR]),
    ("What is the highest peak in the Karvel Range and how high is it?", [["Mount Tessel"], ["2,941 metres"]], [KAR]),
    ("Who made the first ascent of Mount Tessel?", [["Hans Rolvaag"], ["Per Sunde"]], [KAR]),
    ("What's Dunmere FC's nickname?", [["the Millers", "Millers"]], [DFC]),
    ("how many people fit in lockside park", [["14,200"]], [DFC]),
    ("Who is Dunmere's all-time top goalscorer?", [["Nils Eide"]], [DFC]),
    ("What is the atomic number of carvium?", [["49"]], [CV]),
    ("At what temperature does carvium melt?", [["171.3 °C", "171.3"]], [CV]),
    ("When was the University of Kessary founded?", [["1431"]], [UNI, KES]),
    ("what does lux in undis mean", [["light on the waters"]], [UNI]),
    ("Who painted The Ferrywoman at Dusk?", [["Ingrid Salvesen"]], [FER, KES]),
    ("How much did the Kessary Museum of Art pay for the painting?", [["8,500 kroner"]], [FER]),
    # Harder paraphrases: few of the answering sentence's words, sometimes no names.
    ("How far upriver can cargo barges go on the Velna?", [["Dunmere", "264 kilometres"]], [VEL]),
    ("Which of Corvell's helpers later became the first female lecturer at the university?", [["Lotte Hammar"]], [COR]),
    ("Why couldn't miners open their lamps down in the pit?", [["magnetic lock"]], [LAMP]),
    ("How do I tell from a flame lamp that there is methane around?", [["pale blue cap"]], [LAMP]),
    ("How much cargo goes through Kessary's harbour each year?", [["38 million tonnes"]], [KES]),
    ("Can I see the original copy of the peace agreement anywhere?", [["National Archives"]], [TRE]),
    ("Why do people call the bird the butcher of the marsh?", [["impaling surplus prey"]], [SHR]),
    ("Which band brought the dock music back in the eighties?", [["Nordvind"]], [SAR]),
    ("how do trains get through the mountains near brask", [["Brask Tunnel"]], [KAR]),
    ("Who knocked the Millers out of Europe in their best run?", [["Dynamo Vossberg"]], [DFC]),
    ("In what form is the metal used in touchscreens?", [["carvium tin oxide"]], [CV]),
    ("Since when can women enrol as regular students at the university?", [["1879"]], [UNI, COR]),
    ("What did the restorers find had been painted over?", [["small boy"]], [FER]),
]
# Questions that name the unit of the figure they ask for (assistant/units.py refuses them when no
# retrieved passage gives a figure in that unit); the key fact is the figure as the article writes it.
UNIT_ANSWERABLE = [
    ("How many kilometres does the saltmarsh shrike fly to get to its wintering grounds?",
     [["5,400 kilometres"]], [SHR]),
    ("how long is the brask tunnel in km", [["7.4 kilometres"]], [KAR]),
    ("How many square kilometres does the Karvel National Park cover?", [["1,870 square kilometres"]], [KAR]),
    ("What percentage of natural carvium is carvium-115?", [["95.7 per cent"]], [CV]),
    ("How many tonnes of refined carvium were produced worldwide in 2022?", [["920 tonnes"]], [CV]),
    ("How many kg did a filled Brask safety lamp weigh?", [["1.4 kilograms"]], [LAMP]),
]
ANSWERABLE += UNIT_ANSWERABLE

# Near-topic questions the twelve articles never answer: a property never stated, a related
# entity they do not cover, a time period they leave out, a number they never give.
UNANSWERABLE = [
    "What is the capital of Arvenia?",
    "Who is the current mayor of Kessary?",
    "How deep is the Velna at Kessary?",
    "what colour are saltmarsh shrike eggs",
    "Who was Dunmere FC's manager when they got relegated in 1989?",
    "How many students did the University of Kessary have in 1800?",
    "What were the names of the two men who stole The Ferrywoman at Dusk?",
    "How much did a Brask safety lamp cost to buy?",
    "What did the two secret articles of the Treaty of Halsey Ford say?",
    "How many people died in the Great Fire of Kessary in 1702?",
    "How high is the Tessel Dam?",
    "Which record label released Nordvind's Harbour Lights?",
    "Who succeeded Corvell as professor of chemistry when he retired?",
    "how many people live in brask",
    "How many goals did Tore Bakke score for Dunmere?",
]
# Naming a unit no article gives a figure in for the subject. Dollars and km/h occur nowhere; the
# other two are harder: square kilometres occur in the Velna and Karvel articles (not for the city),
# and Kessary's own article gives today's cargo in tonnes (not 1900's).
UNIT_UNANSWERABLE = [
    "How much does a kilogram of carvium cost in dollars?",
    "How fast do trains go through the Brask Tunnel in km/h?",
    "How many square kilometres is the city of Kessary?",
    "How many tonnes of cargo went through Kessary's port in 1900?",
]
UNANSWERABLE += UNIT_UNANSWERABLE


def items() -> list[dict]:
    xs = [example(q, f, g, False, f"en-a{i:02d}", "answerable") for i, (q, f, g) in enumerate(ANSWERABLE, 1)]
    xs += [example(q, [], [], True, f"en-u{i:02d}", "near_topic") for i, q in enumerate(UNANSWERABLE, 1)]
    return xs


def check(xs: list[dict]) -> None:
    """Every answerable item's key facts occur verbatim in its gold files; every unit question names a unit."""
    check_family(xs, read_pages(CORPUS, (".txt",)), unit_answerable=[(q, gold) for q, _, gold in UNIT_ANSWERABLE],
                 unit_unanswerable=list(UNIT_UNANSWERABLE))


def main() -> None:
    xs = items()
    check(xs)
    write_set(HERE / "encyclopedia_set.json", xs)
    print(f"encyclopedia_set.json: {len(ANSWERABLE)} answerable, {len(UNANSWERABLE)} near-topic; key facts checked")


if __name__ == "__main__":
    main()
