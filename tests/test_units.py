"""Units of measure in questions and passages, and the gate's refusal when the asked unit is nowhere (pure logic)."""
from __future__ import annotations

import pytest

from assistant.answer_types import DATE, QUANTITY, candidates, expected_type, without_focus
from assistant.chunking import chunk_lines
from assistant.gate import unit_missing
from assistant.types import Passage
from assistant.units import asked_unit, asks_money, gives_figure_in, money_amounts


@pytest.mark.parametrize("question, unit", [
    ("What is the battery capacity of the car in kWh?", "energy"),
    ("How many kilometres can it drive on one charge?", "distance"),
    ("how many miles is the trail", "distance"),
    ("How much horsepower does the motor produce?", "power"),
    ("How much does the bike cost in euros?", "euro"),
    ("What is the price in RMB?", "yuan"),
    ("What percentage of voters stayed home?", "percent"),
    ("how many MB can I attach on the free plan", "data"),
    # No unit asked: the figure may come in any.
    ("How much does the bike cost?", None),
    ("How many cars were sold?", None),
    # A unit inside the question's condition is not the unit of the answer.
    ("How fast does it accelerate from 0 to 100 km/h?", None),
])
def test_the_unit_a_question_asks_for(question, unit):
    assert asked_unit(question) == unit


@pytest.mark.parametrize("text, unit, gives", [
    ("It is priced at RMB 215,900.", "yuan", True),
    ("Xiaomi is investing $10 billion.", "dollar", True),
    ("The plant covers 720,000 square meters.", "area", True),
    ("A range of 800 km on one charge.", "distance", True),
    ("Attachments up to 25 MB each.", "data", True),
    ("Turnout rose 15% on the year.", "percent", True),
    ("It is priced at RMB 215,900.", "euro", False),  # another currency is not the asked one
    ("The km marker was moved in 2024.", "distance", False),  # a unit with no figure
    ("It sold 120,000 cars.", "distance", False),
    # Figures in words count too; a word that merely contains one does not.
    ("Waste fell to under ten percent.", "percent", True),
    ("The farm was six miles from town.", "distance", True),
    ("It cost thirty-two dollars.", "dollar", True),
    ("Someone km away.", "distance", False),
    ("A peak of 2,400 metres.", "distance", True),
    ("The plant covers 720,000 square meters.", "distance", False),  # an area is not a distance
])
def test_a_figure_in_a_unit(text, unit, gives):
    assert gives_figure_in(text, unit) is gives


def passage(text: str) -> Passage:
    return Passage(chunk=chunk_lines([text + "\n"], "a.txt", "f" * 16, 400, 0)[0], score=1.0)


def test_the_gate_refuses_when_no_passage_gives_the_asked_unit():
    price = [passage("The SU7 starts at RMB 215,900, and deliveries began in March.")]
    assert unit_missing("How much does the SU7 cost in euros?", price)
    assert unit_missing("How much does the SU7 cost?", price) is None
    assert unit_missing("What is the price in RMB?", price) is None


def test_a_quantity_answer_must_carry_the_asked_unit():
    s = "The SU7 starts at RMB 215,900 and weighs 1,980 kg."
    assert candidates(s, QUANTITY, "How heavy is the SU7 in kg?")
    assert candidates(s, QUANTITY, "How many kilometres can the SU7 drive?") == set()


def test_the_asked_property_without_the_names():
    assert without_focus("What is the top speed of the Xiaomi YU7?") == "What is the top speed of the ?"
    assert without_focus("where did the author grow up") == "where did the author grow up"


def test_a_sentence_final_year_is_a_year_not_a_quantity():
    """The number pattern takes a full stop along: "... for 2024." once counted as a quantity answer."""
    assert candidates("The plan was announced in 2024.", QUANTITY, "How many cars were sold?") == set()
    assert candidates("It set a target of 130,000 units for 2024.", QUANTITY, "How many cars?") == {"130,000"}


def test_an_amount_of_money_in_any_currency():
    from assistant.units import gives_money
    assert gives_money("The SU7 starts at RMB 215,900.") and gives_money("It costs $10 billion.") and gives_money("40 euros a month")
    assert not gives_money("It sold 300,000 units in 2024.")
    assert gives_money("The museum paid 8,500 kroner.") and gives_money("It cost 1.2 million thalers.")
    assert not gives_money("The team won 3 titles.") and not gives_money("It weighs 5 pounds.")


@pytest.mark.parametrize("sentence, found", [
    ("In June I laid off nineteen people.", {"nineteen"}),
    ("We had forty-six employees and about five months of cash.", {"forty-six", "five"}),
    ("About two hundred people came.", {"two hundred"}),
    ("It stood for a hundred years.", {"a hundred"}),
    ("We said it twice.", {"twice"}),
    ("It was a good day.", set()),
])
def test_a_number_in_words_is_one_answer(sentence, found):
    assert candidates(sentence, QUANTITY, "How many?") == found  # counts nothing named: spans of time count too


def test_a_unit_letter_must_end_its_word():
    """"by 2019 more than 2,600" once gave the quantity "2019 m" (the m of "more"), and "1.4 kilograms" gave "1.4 k"."""
    assert candidates("By 2019 more than 2,600 salmon were counted.", QUANTITY, "How many salmon?") == {"2,600"}
    assert candidates("It weighed about 1.4 kilograms.", QUANTITY, "How heavy was it?") == {"1.4"}
    assert candidates("A range of 700 km.", QUANTITY, "How far?") == {"700 km"}


@pytest.mark.parametrize("question, kind", [
    ("Before which year does the chief want European buyers to get the cars?", "date"),
    ("After which year did sales fall?", "date"),
    ("What sum did the firm commit to its motoring unit?", "quantity"),
    # A follow-up's opening "and", "so" or "ok" comes before its question word.
    ("And when is the second one supposed to be finished?", "date"),
    ("ok so who approves that?", "person"),
    ("but where is it kept?", "place"),
    ("Andrew who?", None),
])
def test_more_ways_to_ask_for_a_date_or_an_amount(question, kind):
    assert expected_type(question) == kind


@pytest.mark.parametrize("question, money", [
    ("How much did the author pay for the old schoolhouse?", True),
    ("how much does tobiah get paid an hour", True),
    ("How much money did they raise from angels?", True),
    ("How much did the company sell for?", True),
    ("what's the su7's starting price", True),
    ("What's the rent at Brackenhall Works?", True),
    # "what did/would ... earn/cost/charge/sell for", with no "how much".
    ("What did the apprentice earn in his second year?", True),
    ("What would a family ticket cost me on a weekday?", True),
    ("What did the gallery charge for the catalogue?", True),
    ("What did the dealer pay them for the car?", True),
    ("What did she pay attention to first?", False),
    ("What did the shop sell in winter?", False),
    # An amount that is not money, and a price that is not asked for.
    ("What is the memory cost of storing each item?", False),
    ("How much storage does the Free plan give me?", False),
    ("How long do existing customers keep the old price?", False),
])
def test_a_question_that_asks_for_money_without_naming_a_currency(question, money):
    assert asks_money(question) is money


def test_a_question_that_asks_what_something_earned_asks_for_an_amount():
    q = "What did the apprentice earn in his second year?"
    assert expected_type(q) == QUANTITY
    assert candidates("In his second year he worked on the new wing of the hospital.", QUANTITY, q) == set()
    assert candidates("His pay rose to $9,800 a year.", QUANTITY, q) == {"$9,800"}
    assert expected_type("At what temperature does the alloy soften?") == QUANTITY
    assert expected_type("whats the upload size limit") == QUANTITY


@pytest.mark.parametrize("sentence, found", [
    # A span of time is no count of things, nor is a multiple or a share.
    ("The keeper fed the goats twice a day for thirty years.", set()),
    ("More than half the time the keeper fed 14 goats.", {"14"}),
    ("Each of the 12 goats gets a 30-day course of treatment.", {"12"}),
    ("After six more weeks the herd had grown to forty-one.", {"forty-one"}),
    ("They tried it three times before it worked.", set()),
])
def test_a_count_of_things_is_not_a_span_of_time(sentence, found):
    assert candidates(sentence, QUANTITY, "How many goats did the keeper have?") == found


def test_a_question_about_time_still_takes_spans_of_time():
    s = "The keeper fed the goats for thirty years, three times a day."
    assert candidates(s, QUANTITY, "How many years did the keeper feed the goats?") == {"thirty", "three"}
    assert candidates(s, QUANTITY, "how many times a day were they fed") == {"thirty", "three"}


def test_a_money_question_is_answered_by_an_amount_in_any_currency():
    q = "How much did the museum pay for the painting?"
    assert candidates("The house had been empty for thirty years when the museum bought it.", QUANTITY, q) == set()
    assert candidates("The museum bought it in 1902 for 8,500 kroner.", QUANTITY, q) == {"8,500 kroner"}
    assert candidates("By summer he was paying me a dollar fifty an hour.", QUANTITY, "how much did the shop pay her") == {"dollar fifty"}
    assert money_amounts("$495 up front and 1.2 million thalers later") == ["$495", "1.2 million thalers"]
    # Any figure still answers a quantity question that asks for no money.
    assert candidates("It stores each item in eight bytes.", QUANTITY, "How much memory does each item take?") == {"eight"}


def test_a_plural_asks_for_the_same_type_as_its_singular():
    assert expected_type("In which years did the club win the championship?") == DATE
    assert expected_type("Which regions outside China might it sell cars in?") == "place"
    assert expected_type("Which players scored twice?") == "person"


def test_a_question_about_a_named_body_asks_for_a_name():
    assert expected_type("Which company bought Larkspur?") == "organisation"
    assert candidates("It was bought by Hollis Foodservice Technologies in 2007.", "organisation", "Which company bought it?") == \
        {"Hollis Foodservice Technologies"}
    assert candidates("One obstacle the company will face is its supply chain.", "organisation", "Which company makes it?") == set()


def test_a_time_of_day_or_a_weekday_answers_when_and_is_no_quantity():
    assert expected_type("What time should I turn up on Monday?") == DATE
    assert candidates("Please arrive at 9:30 at the reception.", DATE, "What time should I turn up?") == {"9:30"}
    assert candidates("Doors open at 6 pm and close at midnight.", DATE, "when do the doors open") == {"6 pm", "midnight"}
    assert candidates("I open the app on the bus on Sunday evening.", DATE, "When does he check his shifts?") == {"Sunday"}
    # A date given against the month ("by the 20th", "with the next month's salary") answers "when" too.
    q = "When does it get paid out?"
    assert candidates("Claims approved by the 20th of the month are paid with that month's salary.", DATE, q) == {"the 20th", "that month's"}
    assert candidates("He came 3rd in the race, on the 3rd floor.", DATE, q) == set()
    # A timeline's clock time and a day of the month are no count.
    assert candidates("- 14:10 — status page updated", QUANTITY, "how many customers were hit") == set()
    assert candidates("Around 2,100 failed logins on 19 March.", QUANTITY, "how many logins failed") == {"2,100"}


@pytest.mark.parametrize("sentence, found", [
    ("Duration: 47 minutes (13:58 to 14:45 UTC)", {"47"}),
    ("- 13:58 — login error rate above 50%, alerts fired", set()),
    ("Around 2,100 failed logins, 6 customers contacted support.", set()),
    ("You may work abroad for up to **20 working days** per calendar year.", {"20"}),
    ("The trail is 42 km from end to end.", {"42 km"}),
    ("The wall runs 120 feet along the yard.", {"120"}),
    ("The train tops out at 200 km/h.", set()),  # a speed, not a length
])
def test_how_long_asks_for_a_span_of_time_or_a_length(sentence, found):
    assert candidates(sentence, QUANTITY, "How long were logins down?") == found


def test_how_quickly_asks_for_a_span_of_time():
    q = "How quickly does the SU7 accelerate from 0 to 100 km/h?"
    assert expected_type(q) == QUANTITY
    assert candidates("It goes from 0 to 100 km/h in 2.78 seconds.", QUANTITY, q) == {"2.78"}
    assert candidates("It surpassed its target of 100,000 units for the SU7.", QUANTITY, q) == set()


def test_a_count_of_people_is_no_measure_and_a_revenue_is_money():
    q = "How many people work at the factory?"
    assert candidates("The first phase, covering almost 720,000 square meters, opened in 2022.", QUANTITY, q) == set()
    assert candidates("It employs 2,000 people, 50% of them engineers.", QUANTITY, q) == {"2,000"}
    # A question that names its unit still takes a figure in it.
    assert candidates("The hub is **18 kilometres** south of head office.", QUANTITY, "How many kilometres is the hub from head office?") == {"18"}
    assert asks_money("What was Xiaomi's total revenue in 2023?") and not asks_money("What is the memory cost of each item?")
