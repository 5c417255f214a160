"""Write the calibration question sets (LabelledRagDataset JSON) from the tables below.

Every question and key fact here was written by hand for calibration; none is
taken from evals/gold or mini_squad_v2. Run ``python evals/calibration/make_sets.py``
to regenerate xiaomi_near.json, packages_a.json and packages_b.json.
"""
from __future__ import annotations

import json
from pathlib import Path

X0, X1, X2, X3, X4 = (
    "000_d30eed791859901c.txt", "001_cbec50985027b4ff.txt", "002_1d73cbb23efaf534.txt",
    "003_9de4892e83e3c109.txt", "004_bf494e688fbae5b2.txt",
)

# (question, key facts (one list of variants each), gold files) about the five articles in corpus/.
XIAOMI_ANSWERABLE = [
    ("When did Xiaomi start its business?", [["2010"]], [X0]),
    ("How much money is Xiaomi putting into its car division?", [["$10 billion"]], [X0]),
    ("How many cars did Xiaomi sell within a day and a half?", [["120,000"]], [X0]),
    ("How big is the first phase of the plant?", [["720,000 square meters"]], [X1]),
    ("When did construction of the first factory phase begin?", [["April 2022"]], [X1]),
    ("When is the second phase of the factory expected to be finished?", [["2025"]], [X1]),
    ("How many premium customers is Xiaomi hoping to win?", [["20 million"]], [X2]),
    ("Which established players does Xiaomi compete with in EVs?", [["Tesla"], ["BYD"]], [X2, X3]),
    ("what's the su7's starting price", [["215,900"]], [X4]),
    ("Where was the SU7 shown internationally for the first time?", [["Barcelona"]], [X4]),
    ("By when does Lei Jun want to sell cars in Europe?", [["2030"]], [X4]),
    ("What is Xiaomi's delivery goal for 2024?", [["130,000"]], [X4]),
    ("What was the 2023 delivery target for the SU7?", [["100,000"]], [X4]),
    ("When does the YU7 come out?", [["June or July 2025"]], [X4]),
    ("What kind of vehicle is the YU7?", [["SUV"]], [X4]),
    ("How many Xiaomi stores worldwide will help test overseas markets?", [["100"]], [X4]),
    ("What will Xiaomi's international sales team focus on first?", [["market research"], ["after-sales support"]], [X4]),
    ("When was the SU7 first showcased?", [["December 2023"]], [X3]),
    ("Who is Xiaomi's chief executive?", [["Lei Jun"]], [X1, X3, X4]),
    ("What AI features might Xiaomi's cars offer?", [["intelligent navigation"], ["voice control"]], [X3]),
    ("Which components are hard for Xiaomi to source in its supply chain?", [["batteries"], ["semiconductors"]], [X3]),
    ("When did Xiaomi announce its electric vehicle plans?", [["March 2021"]], [X0]),
    ("In what city was the first Xiaomi EV officially revealed?", [["Beijing"]], [X3]),
    ("When was the SU7 on special display in Paris?", [["July"]], [X4]),
    ("In which year was Xiaomi preparing to roll out its first electric model?", [["2024"]], [X1]),
    ("how much does the su7 cost in us dollars", [["$29,700"]], [X4]),
    ("Why might the YU7 lead the international expansion?", [["more popular in Western markets"]], [X4]),
    ("Which regions outside China might Xiaomi bring its EVs to?", [["Europe"], ["North America"]], [X3]),
    # Heavy paraphrases: no product or company names, few of the articles' words.
    ("How long ago did the phone maker come into existence?", [["2010"]], [X0]),
    ("What sum did the firm commit to its motoring unit over a decade?", [["$10 billion"]], [X0]),
    ("How many vehicles did buyers snap up in the first day and a half?", [["120,000"]], [X0]),
    ("What happened in the private session the boss held with senior staff?", [["launch plans"]], [X1]),
    ("How many well-off customers does the firm want to draw to its cars?", [["20 million"]], [X2]),
    ("What is the entry-level sticker price of the company's first sedan?", [["215,900"]], [X4]),
    ("At which trade show in Spain did the sedan first appear abroad?", [["Mobile World Congress"]], [X4]),
    ("Before which year does the chief want European buyers to get the cars?", [["2030"]], [X4]),
    ("What parts could be difficult to source for the car business?", [["batteries"]], [X3]),
    ("Which kind of shops will the company use to gauge foreign demand?", [["Xiaomi stores"]], [X4]),
]

# Near-topic questions the five articles never answer: a property they never
# state, a competitor's facts, a country they do not cover.
XIAOMI_UNANSWERABLE = [
    "What is the driving range of the SU7 on a single charge?",
    "How many seats does the YU7 SUV have?",
    "How quickly does the SU7 accelerate from 0 to 100 km/h?",
    "How much does the YU7 cost?",
    "What warranty does Xiaomi give on the SU7 battery?",
    "Which company supplies the batteries for the SU7?",
    "How many people work at Xiaomi's car factory?",
    "What was Xiaomi's total revenue in 2023?",
    "Who designed the exterior of the SU7?",
    "What colours is the SU7 available in?",
    "How long does it take to charge the SU7?",
    "In which city is Xiaomi's EV factory located?",
    "How much does the SU7 weigh?",
    "How much did Xiaomi pay for its car manufacturing licence?",
    "How many SU7 cars have been recalled?",
    "Who is the CEO of Tesla?",
    "How many cars did NIO deliver in 2024?",
    "When was BYD founded?",
    "What is Volkswagen's market share in China?",
    "Where is BMW headquartered?",
    "What is the price of the SU7 in Germany?",
    "When will Xiaomi start selling cars in Japan?",
    "How many Xiaomi stores are there in India?",
    "Does Xiaomi sell the SU7 in Australia?",
    "What is the SU7's top speed in Brazil?",
]

HA = "packages/half_a/"
HB = "packages/half_b/"
# Questions on the first half of the packages corpus (answerable against half_a only).
PACKAGES_A = [
    ("What does load_dotenv do with existing environment variables by default?", [["not override", "override=false"]], "python-dotenv.md"),
    ("Which function returns the parsed values as a dict without touching the environment?", [["dotenv_values"]], "python-dotenv.md"),
    ("How do I stop load_dotenv from loading .env files in production?", [["PYTHON_DOTENV_DISABLED"]], "python-dotenv.md"),
    ("How do I install the dotenv command-line interface?", [["python-dotenv[cli]"]], "python-dotenv.md"),
    ("What value does dotenv_values give a variable declared without a value?", [["None"]], "python-dotenv.md"),
    ("How do I make xmltodict expand XML namespaces?", [["process_namespaces=True"]], "xmltodict.md"),
    ("Which parser is xmltodict based on?", [["Expat"]], "xmltodict.md"),
    ("How do I convert a dictionary back into XML?", [["unparse"]], "xmltodict.md"),
    ("What is the default prefix for XML attributes in the parsed dict?", [["@"]], "xmltodict.md"),
    ("Is entity parsing enabled by default when parsing XML?", [["disable_entities=True"]], "xmltodict.md"),
    ("Which function should I call to make ANSI escapes work on Windows?", [["just_fix_windows_console"]], "colorama.txt"),
    ("Which Python versions is Colorama tested on?", [["2.7"], ["3.10"]], "colorama.txt"),
    ("Does Colorama support dim text on Windows?", [["normal text"]], "colorama.txt"),
    ("Can I call init more than once?", [["not safe"]], "colorama.txt"),
    ("How can I install Colorama with conda?", [["conda install -c anaconda colorama"]], "colorama.txt"),
    ("Under which license is Sorted Containers released?", [["Apache2"]], "sortedcontainers.txt"),
    ("How much memory does each reference take in a sorted container?", [["eight bytes"]], "sortedcontainers.txt"),
    ("How much less overhead does it have than a typical binary tree?", [["66%"]], "sortedcontainers.txt"),
    ("Which open source projects use Sorted Containers?", [["Zipline"], ["Trio"]], "sortedcontainers.txt"),
    ("What test coverage does Sorted Containers have?", [["100%"]], "sortedcontainers.txt"),
    ("How do I keep secrets such as passwords out of version control?", [[".gitignore"]], "python-dotenv.md"),
    ("Can the settings file be read from something other than a file on disk?", [["stream"]], "python-dotenv.md"),
    ("Is it fine to run the console fix several times?", [["safe to call this function multiple times"]], "colorama.txt"),
    ("What is the memory cost of storing each item?", [["eight bytes"]], "sortedcontainers.txt"),
    ("Can huge dumps be processed without loading everything into memory?", [["streaming mode"]], "xmltodict.md"),
]
# Questions on the second half (answerable against half_b only).
PACKAGES_B = [
    ("Since when has NASA used attrs for Mars missions?", [["2020"]], "attrs.md"),
    ("In which version were the modern attrs APIs introduced?", [["20.1.0"]], "attrs.md"),
    ("When was the attrs package import name added?", [["21.3.0"]], "attrs.md"),
    ("Do I have to use type annotations with attrs?", [["optional"]], "attrs.md"),
    ("What does attrs give you after declaring your attributes?", [["__repr__"], ["initializer"]], "attrs.md"),
    ("Which compression encodings does urllib3 support?", [["brotli"], ["zstd"]], "urllib3.md"),
    ("How do I install urllib3?", [["python -m pip install urllib3"]], "urllib3.md"),
    ("Who is the current lead maintainer of urllib3?", [["Illia Volochii"]], "urllib3.md"),
    ("How should I report a security vulnerability in urllib3?", [["Tidelift security contact"]], "urllib3.md"),
    ("Which proxies does urllib3 support?", [["SOCKS"]], "urllib3.md"),
    ("Which standard library module can the idna package replace?", [["encodings.idna"]], "idna.txt"),
    ("From which year is the IDNA specification the standard library supports?", [["2003"]], "idna.txt"),
    ("What does encode convert a domain name into?", [["A-labels"]], "idna.txt"),
    ("What is the base class of the idna exceptions?", [["idna.IDNAError"]], "idna.txt"),
    ("Which idna-data mode generates idnadata.py?", [["make-libdata"]], "idna.txt"),
    ("Are cookies sent across domains by default with Flask-CORS?", [["disabled"]], "flask-cors.txt"),
    ("How do I enable CORS on a single route?", [["cross_origin"]], "flask-cors.txt"),
    ("How do I turn on debug logging for Flask-CORS?", [["logging.DEBUG"]], "flask-cors.txt"),
    ("What does the Flask-CORS development environment use for dependency management?", [["uv"]], "flask-cors.txt"),
    ("Whose snippet is Flask-CORS based on?", [["Armin Ronacher"]], "flask-cors.txt"),
    ("Why is sharing cookies between sites switched off out of the box?", [["security implications"]], "flask-cors.txt"),
    ("Which space agency relies on the class-writing library?", [["NASA"]], "attrs.md"),
    ("Where can I chat with the HTTP client's community?", [["Discord"]], "urllib3.md"),
    ("How do I turn a unicode host name into its ASCII form?", [["encode"]], "idna.txt"),
    ("Can I write my classes without type hints?", [["optional"]], "attrs.md"),
]


def write_set(path: Path, items: list[dict]) -> None:
    """A question set as the eval datasets are written: {"examples": [...]}, UTF-8, one-space indent."""
    path.write_text(json.dumps({"examples": items}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def example(q: str, facts: list[list[str]], gold: list[str], refuse: bool, ident: str, category: str) -> dict:
    return {
        "query": q, "query_by": {"model_name": "", "type": "human"},
        "reference_contexts": [], "reference_answer": "" if refuse else facts[0][0],
        "reference_answer_by": {"model_name": "", "type": "human"},
        "id": ident, "category": category, "gold_sources": gold, "key_facts": facts,
        "expect_refusal": refuse, "history": [],
    }


def main() -> None:
    here = Path(__file__).parent
    xs = [example(q, f, g, False, f"xa-{i:02d}", "answerable") for i, (q, f, g) in enumerate(XIAOMI_ANSWERABLE, 1)]
    xs += [example(q, [], [], True, f"xu-{i:02d}", "near_topic") for i, q in enumerate(XIAOMI_UNANSWERABLE, 1)]
    sets = {
        "xiaomi_near.json": xs,
        "packages_a.json": [example(q, f, [g], False, f"pa-{i:02d}", "answerable") for i, (q, f, g) in enumerate(PACKAGES_A, 1)],
        "packages_b.json": [example(q, f, [g], False, f"pb-{i:02d}", "answerable") for i, (q, f, g) in enumerate(PACKAGES_B, 1)],
    }
    for name, items in sets.items():
        write_set(here / name, items)


if __name__ == "__main__":
    main()
