from assistant.citations import markers, renumber, strip_markers


def test_renumber_in_order_of_first_use():
    text, order = renumber("A is true [3]. B too [1]. Again A [3].", 5)
    assert text == "A is true [1]. B too [2]. Again A [1]."
    assert order == [3, 1]


def test_out_of_range_markers_are_removed():
    text, order = renumber("Claim [7]. Other [2].", 3)
    assert text == "Claim. Other [1]."
    assert order == [2]


def test_grouped_and_repeated_markers():
    text, order = renumber("X [2, 4][2].", 4)
    assert order == [2, 4]
    assert text == "X [1][2]."


def test_markers_and_strip():
    assert markers("a [1] b [2,3]") == [1, 2, 3]
    assert strip_markers("Hello [1].") == "Hello."
