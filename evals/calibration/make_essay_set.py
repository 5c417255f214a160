"""Write the essay calibration set (essay_set.json) from the tables below, then check its key facts.

The corpus is one long first-person essay, essay/essay.txt, by a fictional
woman (farm, radio repair, architecture, a bakery, a software company she
sold). The essay, the questions and the key facts were all written by hand for
calibration; nothing is taken from evals/gold or mini_squad_v2. Run
``python evals/calibration/make_essay_set.py`` to regenerate the set; it fails
if a key fact is missing from its gold source.
"""
from __future__ import annotations

from pathlib import Path

from make_sets import example, write_set  # this folder is on sys.path when run as a script
from set_checks import check_family, read_pages

ESSAY = "essay.txt"

# (question, key facts (one list of variants each)); all answered by essay.txt.
# Asked the way a reader asks about an essay: "the author", "she", paraphrases,
# some casual or misspelt.
ANSWERABLE = [
    ("Where did the author grow up?", [["Westby"]]),
    ("how many cows did her dad milk", [["forty-two", "42"]]),
    ("What did her father think of repairmen?", [["suspicion of anyone who charged by the hour"]]),
    ("Which radio did she carry into town, and how old was it?", [["Zenith"], ["1948"]]),
    ("What was wrong with the kitchen radio?", [["filter capacitor"], ["rectifier tube"]]),
    ("Who taught the author to fix radios?", [["Walter Pruitt"]]),
    ("how much did the radio shop pay her as a kid", [["a dollar fifty an hour", "dollar fifty"]]),
    ("How should I approach a broken radio, according to her teacher?", [["listen before you touch anything"]]),
    ("what did walter say is usually the culprit when a set breaks", [["power supply"]]),
    ("What made her want to design buildings?", [["barns"], ["Frank Lloyd Wright"]]),
    ("What did the structures teacher think a building is?", [["an argument with gravity"]]),
    ("What was the name of the architecture firm she joined after graduating?", [["Bergstrom and Hale"]]),
    ("What did she earn in her first year as a drafter?", [["$14,500", "14,500"]]),
    ("What did the author spend most of her time drawing at the firm?", [["stairwells", "stairs"]]),
    ("Why did she leave architecture?", [["feedback loop was too long"]]),
    ("Is it true she got passed over for a promotion? For what job?", [["project architect"]]),
    ("When did the bakery open its doors?", [["June"], ["1986"]]),
    ("Who lent them most of the money for the bakery?", [["uncle Lars"]]),
    ("what time did she get up when she ran the bakery", [["3:30"]]),
    ("What was the bakery famous for?", [["cardamom bun"]]),
    ("What did she learn from running the bakery?", [["a business is not a product"]]),
    ("What did Dolores mean by her saying about flour?", [["flour is cheap and time is expensive"]]),
    ("How did her BASIC program predict how much bread to bake?", [["weighted average"]]),
    ("who co-founded larkspur with her", [["Samuel Idowu"]]),
    ("How much did Proofbox cost when it first came out, and what was the yearly support fee?", [["$495"], ["$120"]]),
    ("How much money did they raise from angels?", [["$1.2 million"]]),
    ("What advice did Harold Lindgren keep giving them?", [["customer's problem is always more interesting than your solution"]]),
    ("How many people did the author lay off in the bad year?", [["nineteen"]]),
    ("What did she take away from 2001?", [["depend on anyone else's money"]]),
    ("how many employes did the software company have in 2005", [["eighty-five"]]),
    ("Which company bought Larkspur?", [["Hollis Foodservice Technologies"]]),
    ("How much did the company sell for?", [["$31 million"]]),
    ("What did she do with the money from the sale?", [["sister's mortgage"], ["milking parlor"], ["scholarship fund"]]),
    ("Can I get an old radio repaired by her these days?", [["restore old tube radios"]]),
    ("What does the author think links all the jobs she had?", [["find out quickly whether you were right"]]),
]
# Questions that name the unit of the figure they ask for (assistant/units.py refuses them when no
# retrieved passage gives a figure in that unit); the key fact is the figure as the essay writes it.
# Its percentages and miles are spelt out ("under ten percent", "six miles"), which units.py does not
# read as figures, so the answerable ones ask in dollars and acres.
UNIT_ANSWERABLE = [
    ("How many acres was the farm she grew up on?", [["160 acres"]]),
    ("how much was the rent on her first apartment in dollars", [["$210"]]),
    ("How many dollars did Dolores pay her for her half of Nine Loaves?", [["$38,000"]]),
    ("What was Larkspur's annual revenue in 2005 in USD?", [["$9 million"]]),
]
ANSWERABLE += UNIT_ANSWERABLE

# Near-topic questions the essay never answers: a property never stated, a
# person or company it mentions without the asked detail, a period not covered.
UNANSWERABLE = [
    "What was the name of the author's mother?",
    "How much did her grandfather pay for the farm?",
    "What was the author's amateur radio call sign?",
    "Which high school did the author attend?",
    "How much revenue did Nine Loaves make in its best year?",
    "What was the monthly rent for the bakery's storefront on Selby Avenue?",
    "Who bought Nine Loaves when Dolores retired?",
    "What programming language was Proofbox Online written in?",
    "How much did Sam Idowu get from the sale of Larkspur?",
    "What was the name of the Chicago firm that backed out of the second funding round?",
    "Who was the CEO of Hollis Foodservice Technologies?",
    "How many students took her Small Business Operations course?",
    "How much did the author pay for the old schoolhouse?",
    "What was the name of the hospital in Rochester whose parking ramp she worked on?",
    "Does the author have any children?",
]
# Naming a unit the essay gives no figure in for the subject. Only the miles name a family it gives no
# figure in anywhere ("six miles" is spelt out); the other two are harder: the oven's own paragraph
# gives dollar figures (what they opened with), and the farm's 160 acres are an area.
UNIT_UNANSWERABLE = [
    "How much did the used deck oven from Duluth cost in dollars?",
    "How many square feet was the old shoe repair shop they turned into the bakery?",
    "How many miles did her parents drive her from Westby up to Minneapolis?",
]
UNANSWERABLE += UNIT_UNANSWERABLE


def build() -> list[dict]:
    items = [example(q, f, [ESSAY], False, f"es-a{i:02d}", "answerable") for i, (q, f) in enumerate(ANSWERABLE, 1)]
    items += [example(q, [], [], True, f"es-u{i:02d}", "near_topic") for i, q in enumerate(UNANSWERABLE, 1)]
    return items


def check(items: list[dict], corpus: Path) -> None:
    """Fail unless every answerable item's key facts occur in its gold sources and every unit question names a unit."""
    for item in items:
        if item["expect_refusal"]:
            assert not item["key_facts"] and not item["gold_sources"], item["id"]
    check_family(items, read_pages(corpus, (".txt",)), unit_answerable=[(q, [ESSAY]) for q, _ in UNIT_ANSWERABLE],
                 unit_unanswerable=list(UNIT_UNANSWERABLE))


def main() -> None:
    here = Path(__file__).parent
    items = build()
    write_set(here / "essay_set.json", items)
    check(items, here / "essay")
    print(f"essay_set.json: {len(ANSWERABLE)} answerable, {len(UNANSWERABLE)} near-topic; key facts found")


if __name__ == "__main__":
    main()
