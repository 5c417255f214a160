"""Composition of extractive answers on hand-made passages (pure logic, no model)."""
from __future__ import annotations

from assistant.chunking import chunk_lines
from assistant.boilerplate import display_text, is_boilerplate
from assistant.compose import closest_passages, compose
from assistant.spans import sentence_spans
from assistant.support import ScoredSpan
from assistant.types import Passage


def passage(source: str, text: str) -> Passage:
    chunk = chunk_lines(text.splitlines(keepends=True), source, "f" * 16, 400, 0)[0]
    return Passage(chunk=chunk, score=1.0)


def scored_by(passages: list[Passage], ranking: list[str]) -> list[ScoredSpan]:
    """Every sentence of the passages, ranked in the order of ``ranking`` (substrings), the rest after."""
    out = []
    for i, p in enumerate(passages):
        for sp in sentence_spans(p.chunk):
            rank = next((k for k, r in enumerate(ranking) if r in sp.text), len(ranking))
            out.append(ScoredSpan(sp, i, 0.5, 0.5, float(-rank), frozenset()))
    out.sort(key=lambda s: -s.score)
    return out


def test_a_question_shaped_heading_never_leads():
    p = passage("faq.md", "How do I reset my password?\nOpen Settings and choose Reset password to get a reset link by email.\n")
    chosen = compose("How do I reset my password?", scored_by([p], ["How do I reset", "Open Settings"]))
    assert [c.span.text for c in chosen] == ["Open Settings and choose Reset password to get a reset link by email."]


def test_steps_after_a_colon_come_with_the_sentence():
    text = ("## Columns\n\nTo add a new column, follow these steps:\n1. Open the board.\n2. Click Add column.\n"
            "3. Name the column and press Enter.\n\n## Rows\n\nRows are added with the plus button.\n")
    p = passage("help.md", text)
    chosen = compose("How do I add a new column?", scored_by([p], ["To add a new column"]))
    assert len(chosen) == 1
    quote = chosen[0].span.text
    assert quote.startswith("To add a new column, follow these steps:")
    assert "2. Click Add column." in quote and "3. Name the column and press Enter." in quote
    assert "Rows" not in quote  # stops at the next heading
    wrapped = ("To add a column:\n\n- Open the board and click the plus sign at the\n  right end of the header.\n- Name it.\n\n"
               "Columns can be renamed later.\n")
    listed = compose("How do I add a column?", scored_by([passage("b.md", wrapped)], ["To add a column"]))[0].span.text
    assert "right end of the header." in listed and listed.endswith("- Name it.")  # a wrapped item stays whole
    assert quote in text and chosen[0].span.end_line > chosen[0].span.start_line


def test_a_lone_step_gives_way_to_the_steps_it_belongs_to():
    text = ("## Export\n\nTo export a notebook, follow these steps:\n\n1. Open the notebook in the sidebar.\n"
            "2. Click the three-dot menu and choose Export.\n3. Select PDF and click Export.\n\nLarge exports take a minute.\n")
    p = passage("export.md", text)
    chosen = compose("How do I export a notebook to PDF?", scored_by([p], ["3. Select PDF"]))
    quote = chosen[0].span.text
    assert quote.startswith("To export a notebook, follow these steps:") and "1. Open the notebook" in quote
    assert quote.endswith("3. Select PDF and click Export.")  # the paragraph after the steps is not one of them
    assert len(chosen) == 1
    # A numbered line that no colon introduces stays as it is.
    q = passage("notes.md", "Release notes.\n\n1. Exports to PDF are faster.\n2. Search is fixed.\n")
    assert [c.span.text for c in compose("Are PDF exports faster?", scored_by([q], ["1. Exports"]))] == ["1. Exports to PDF are faster."]


def test_a_list_item_is_not_quoted_again_after_the_list_that_holds_it():
    text = ("The cloud icon shows the sync status:\n\n- Green cloud: everything is synced.\n"
            "- Blue arrows: sync is in progress.\n- Red mark: sync failed.\n")
    p = passage("sync.md", text)
    chosen = compose("Which states can the sync icon show?", scored_by([p], ["The cloud icon", "Blue arrows"]))
    assert len(chosen) == 1 and "- Red mark: sync failed." in chosen[0].span.text


def test_headings_bylines_copyright_and_comments_are_never_quoted():
    text = ("Xiaomi's Competitive Advantage\n© Xiaomi Corporation\nTags: Xiaomi, electric car, Lei Jun\n"
            "The company names Tesla, BMW and Volkswagen as rivals.\nReader comments\n- Anonymous\n"
            "Tesla is better than all of them, trust me.\n")
    p = passage("a.txt", text)
    ranked = scored_by([p], ["Competitive Advantage", "©", "Tags", "Tesla is better", "names Tesla"])
    assert [is_boilerplate(s.span) for s in ranked[:4]] == [True, True, True, True]
    chosen = compose("Which competitors are named?", ranked)
    assert chosen[0].span.text == "The company names Tesla, BMW and Volkswagen as rivals."
    assert all(not is_boilerplate(c.span) for c in chosen)


def test_a_list_question_adds_a_sentence_with_more_items_but_no_padding():
    text = ("The SU7 offers advanced connectivity in every trim.\n"
            "Additionally, it offers voice control, navigation and personalised settings.\n"
            "The market is changing quickly.\n")
    p = passage("a.txt", text)
    chosen = compose("What features does the SU7 offer?", scored_by([p], ["advanced connectivity", "market is changing", "Additionally"]))
    texts = [c.span.text for c in chosen]
    assert texts[0].startswith("The SU7 offers advanced connectivity")
    assert any(t.startswith("Additionally, it offers voice control") for t in texts)
    assert "The market is changing quickly." not in texts


def test_a_lead_that_names_a_series_of_items_is_the_whole_list():
    text = ("Email support also answers in German, French and Spanish.\n"
            "- Tell us which browser you use, and which version.\n"
            "Phone support is available in English only, on weekdays, and on Saturdays.\n")
    p = passage("support.md", text)
    chosen = compose("Which languages can I email support in?", scored_by([p], ["German", "browser", "Phone support"]))
    assert [c.span.text for c in chosen] == ["Email support also answers in German, French and Spanish."]
    # An opener before a comma is no item: "Furthermore, A and B" still takes more items.
    q = passage("a.txt", "Furthermore, its brand and loyal customers give it an edge.\n"
                         "Its ecosystem links phones, watches, TVs and cars.\n")
    more = compose("What strengths does the company have?", scored_by([q], ["Furthermore", "ecosystem"]))
    assert [c.span.text[:13] for c in more] == ["Furthermore, ", "Its ecosystem"]


def test_a_question_spanning_two_documents_gets_each_documents_view():
    a = passage("a.txt", "The SU7 was first shown in Beijing in December 2023.\nIt drew large crowds.\n")
    b = passage("b.txt", "The SU7 debuted in Barcelona at the Mobile World Congress in February.\n")
    ranked = scored_by([a, b], ["first shown in Beijing", "drew large crowds", "debuted in Barcelona"])
    chosen = compose("Where was the SU7 first shown? Do the articles agree?", ranked)
    assert [c.span.chunk.source for c in chosen] == ["a.txt", "b.txt"]
    assert "It drew large crowds." not in [c.span.text for c in chosen]
    # A single-document question stays one sentence.
    assert len(compose("Where was the SU7 first shown?", ranked)) == 1


def test_a_refusal_names_the_closest_passages_not_headings():
    a = passage("a.txt", "Big News Today\nThe factory opened in 2024 near the river.\n")
    b = passage("b.txt", "Sales rose by ten percent.\n")
    closest = closest_passages(scored_by([a, b], ["Big News", "factory opened", "Sales rose"]), [a, b])
    assert [(c.source, c.quote) for c in closest] == [("a.txt", "The factory opened in 2024 near the river."),
                                                     ("b.txt", "Sales rose by ten percent.")]
    assert closest[0].start_line == 2


def test_a_who_lead_with_only_a_pronoun_brings_the_sentence_that_names_the_person():
    text = ("In 1750 the king appointed Marta Velloso as chief minister. She abolished the salt tax and rebuilt the port.\n"
            "The port handled grain and wool.\n")
    p = passage("a.txt", text)
    ranked = scored_by([p], ["She abolished", "In 1750"])
    ranked = [ScoredSpan(s.span, s.passage, s.similarity, s.coverage, s.score,
                         frozenset({"Marta Velloso"}) if "Marta" in s.span.text else frozenset()) for s in ranked]
    texts = [c.span.text for c in compose("Who abolished the salt tax?", ranked)]
    assert texts[:2] == ["In 1750 the king appointed Marta Velloso as chief minister.", "She abolished the salt tax and rebuilt the port."]
    # Not for other questions: "What did she abolish?" is answered by the lead alone.
    assert [c.span.text for c in compose("What did she abolish?", ranked)][0].startswith("She abolished")


def test_only_a_lead_that_announces_parts_brings_the_sentences_after_it():
    """"It was patented ..." after the inventor's sentence adds nothing asked for; "a two-phase plan" needs its phases."""
    lamp = passage("lamp.txt", "The lamp was designed in 1871 by the engineer Jakob Ellefsen. "
                               "It was patented in February 1872 and sold across Europe.\n")
    chosen = compose("Who invented the lamp?", scored_by([lamp], ["designed in 1871"]))
    assert [c.span.text for c in chosen] == ["The lamp was designed in 1871 by the engineer Jakob Ellefsen."]
    plant = passage("plant.txt", "The factory follows a two-phase plan. The first phase covers 720,000 square metres. "
                                 "The second phase starts in 2024. Unrelated closing remark.\n")
    chosen = compose("What is the factory plan?", scored_by([plant], ["two-phase plan"]))
    assert [c.span.text for c in chosen] == ["The factory follows a two-phase plan.", "The first phase covers 720,000 square metres.",
                                            "The second phase starts in 2024."]


def test_a_list_question_answered_by_items_of_one_bulleted_list_quotes_the_whole_list():
    text = ("## Export\n\nYou can export a notebook in these formats:\n\n- **PDF**: good for printing.\n"
            "- **Markdown**: one file per note.\n- **HTML**: a folder of web pages.\n- **Word (.docx)**: single notes only.\n\n"
            "## Import\n\n- **Evernote**: upload the ENEX file.\n")
    p = passage("export.md", text)
    chosen = compose("Which formats can I export my notes to?", scored_by([p], ["**Markdown**", "**PDF**", "**Word"]))
    assert len(chosen) == 1
    block = chosen[0].span
    assert block.text == ("- **PDF**: good for printing.\n- **Markdown**: one file per note.\n- **HTML**: a folder of web pages.\n"
                          "- **Word (.docx)**: single notes only.")
    assert (block.start_line, block.end_line) == (5, 8) and block.text in text  # cited as the list's own lines
    assert "Evernote" not in block.text


def test_numbered_steps_are_no_items_of_a_list_answer():
    text = ("Both apps have home screen widgets for Recent notes, Pinned notes and Quick note.\n\n"
            "To lock the app:\n1. Tap your profile picture and open Settings.\n2. Tap Security.\n3. Turn on App lock.\n")
    p = passage("mobile.md", text)
    chosen = compose("What widgets can I add to my home screen?", scored_by([p], ["widgets", "1. Tap", "3. Turn"]))
    assert [c.span.text for c in chosen] == ["Both apps have home screen widgets for Recent notes, Pinned notes and Quick note."]


def test_a_table_of_contents_entry_is_never_quoted():
    text = ("## Contents\n\n- [Parse configuration as a stream](#parse-configuration-as-a-stream)\n- [Install](#install)\n\n"
            "The function `dotenv_values` parses the file and returns a dict without touching the environment.\n"
            "See [the usage guide](#usage) for more.\n")
    p = passage("README.md", text)
    ranked = scored_by([p], ["Parse configuration", "dotenv_values", "Install"])
    assert is_boilerplate(ranked[0].span)
    chosen = compose("Which function parses the configuration and returns a dict?", ranked)
    assert [c.span.text[:25] for c in chosen] == ["The function `dotenv_valu"]
    assert not is_boilerplate(next(s for s in ranked if s.span.text.startswith("See [the usage guide]")).span)  # a link inside a sentence is content


def test_a_lead_after_a_bare_answer_on_its_line_brings_that_answer_first():
    """"See LICENSE." alone drops the licence's name; "MIT." opens its line and is the answer."""
    readme = passage("README.md", "## License\n\nMIT. See LICENSE.\n")
    chosen = compose("What licence is it under?", scored_by([readme], ["See LICENSE"]))
    assert [c.span.text for c in chosen] == ["MIT.", "See LICENSE."]
    # Only a bare opening: a sentence of its own before the lead is not brought.
    notes = passage("notes.md", "The export runs nightly. See the runbook for the schedule.\n")
    chosen = compose("Where is the export schedule?", scored_by([notes], ["See the runbook"]))
    assert [c.span.text for c in chosen] == ["See the runbook for the schedule."]
    # A bare question opening the line is no answer to bring: "Why? Because ..." quotes the because.
    faq = passage("faq.md", "Why? Because the cache was stale.\n")
    chosen = compose("Why did the build fail?", scored_by([faq], ["Because the cache"]))
    assert [c.span.text for c in chosen] == ["Because the cache was stale."]
    # A bare "Yes." answers the document's own question, which may not be the one asked.
    faq = passage("faq.md", "Leave in your first months\n\nYes. Annual leave builds up from your first day.\n")
    chosen = compose("Does leave build up during maternity leave?", scored_by([faq], ["Annual leave builds"]))
    assert [c.span.text for c in chosen] == ["Annual leave builds up from your first day."]


def test_a_colon_lead_brings_the_table_rows_after_it():
    """"Induction week is the same for everyone:" then a table: the days are the answer, kept one row a line."""
    text = ("Induction week is the same for everyone, from warehouse staff to engineers:\n\n"
            "| Day | What happens |\n|---|---|\n"
            "Day: Monday | What happens: Welcome session\nDay: Wednesday | What happens: Hub Day at the warehouse\n\n"
            "Hub Day is not optional.\n")
    p = passage("onboarding.md", text)
    chosen = compose("What happens in induction week?", scored_by([p], ["Induction week is"]))
    assert len(chosen) == 1
    assert chosen[0].span.text.endswith("Day: Wednesday | What happens: Hub Day at the warehouse")
    shown = display_text(chosen[0].span)
    assert shown == ("Induction week is the same for everyone, from warehouse staff to engineers:\n\n"
                     "Day: Monday | What happens: Welcome session\nDay: Wednesday | What happens: Hub Day at the warehouse")


def test_a_part_that_points_back_is_answered_by_the_lead_that_holds_its_answer():
    text = ("You can try the Team plan free for 14 days.\n"
            "The Activity view shows the last 90 days of edits.\n")
    p = passage("billing.md", text)
    chosen = compose("Is there a trial for the Team plan, and how long does it last?", scored_by([p], ["try the Team plan", "Activity"]))
    assert [c.span.text for c in chosen] == ["You can try the Team plan free for 14 days."]


def test_a_statement_before_the_question_is_no_part_of_it():
    from assistant.compose import question_parts
    assert question_parts("I'm starting on Monday. What time should I turn up and what do I need to bring?") == \
        [("What time should I turn up", "date"), ("what do I need to bring?", None)]
    text = ("Please arrive at 9:30 at the reception, and bring photo ID.\n"
            "Opening hours: 08:30 to 18:00, Monday to Friday.\n")
    p = passage("onboarding.md", text)
    chosen = compose("I'm starting on Monday. What time should I turn up and what do I need to bring?",
                     scored_by([p], ["Please arrive", "Opening hours"]))
    assert [c.span.text for c in chosen] == ["Please arrive at 9:30 at the reception, and bring photo ID."]


def test_each_part_of_a_compound_question_is_looked_for_in_its_own_ranking():
    prices = passage("plans.md", "Team: $14 per member per month.\nPlus: $8 per month.\n")
    support = passage("support.md", "How quickly we answer depends on your plan.\n"
                                     "On the Free plan the first response comes within 3 business days.\n"
                                     "On the Team plan the first response comes within 8 business hours.\n")
    q = "We're five people looking at the Team plan. What would it cost per month, and how fast does support answer on that plan?"
    whole = scored_by([prices, support], ["Team: $14", "Plus: $8", "How quickly", "Free plan"])
    asked = []

    def rank_part(part: str) -> list[ScoredSpan]:
        asked.append(part)
        ranked = scored_by([prices, support], ["Team plan the first", "Free plan"] if "support" in part else ["Team: $14"])
        return [ScoredSpan(s.span, s.passage, s.similarity, s.coverage, s.score, frozenset({"8"} if "8 business" in s.span.text else ()))
                for s in ranked]

    chosen = compose(q, whole, rank_part=rank_part)
    assert [c.span.text for c in chosen] == ["Team: $14 per member per month.", "On the Team plan the first response comes within 8 business hours."]
    assert asked == ["how fast does support answer on that plan? team"]  # ranked with the name the rest of the question gives it
    # Without its own ranking, the part's answer is looked for among the whole question's next sentences only.
    assert [c.span.text for c in compose(q, whole)][0] == "Team: $14 per member per month."


def test_a_list_question_answered_by_rows_of_a_table_quotes_the_table():
    text = ("You can bring your notes in from other apps and from files.\n"
            "\n"
            "Source: Evernote | File to upload: .enex export\n"
            "Source: Notion | File to upload: Markdown export (.zip)\n"
            "Source: Plain text | File to upload: .txt\n"
            "\n"
            "A single import file can be up to 500 MB.\n")
    p = passage("importing.md", text)
    chosen = compose("What apps and file types can I import notes from?",
                     scored_by([p], ["bring your notes", "500 MB", "Plain text", "Evernote"]))
    assert [c.span.text for c in chosen] == [
        "You can bring your notes in from other apps and from files.",
        "Source: Evernote | File to upload: .enex export\nSource: Notion | File to upload: Markdown export (.zip)\n"
        "Source: Plain text | File to upload: .txt"]
    # A question that asks for one thing is not answered with the table.
    one = compose("How big can a single import file be?", scored_by([p], ["500 MB", "bring your notes", "Plain text", "Evernote"]))
    assert [c.span.text for c in one] == ["A single import file can be up to 500 MB."]
