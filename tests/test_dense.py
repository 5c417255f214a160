"""Exact dense search (assistant.dense) on hand-made vectors."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.dense import ExactIndex
from assistant.errors import EmbedderMismatchError


def test_nearest_are_the_most_similar_best_first_with_cosine():
    idx = ExactIndex(["x", "y", "xy", "neg"], np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 1.0], [-1.0, 0.0]]))
    got = idx.nearest([1.0, 0.1], 3)
    assert [cid for cid, _ in got] == ["x", "xy", "y"]
    q = np.array([1.0, 0.1]) / np.linalg.norm([1.0, 0.1])
    assert got[0][1] == pytest.approx(q[0], abs=1e-6)  # cosine, whatever the stored vector's length
    assert got[1][1] == pytest.approx((q[0] + q[1]) / np.sqrt(2), abs=1e-6)


def test_more_asked_than_stored_gives_all_and_ties_keep_store_order():
    idx = ExactIndex(["b", "a", "c"], np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    assert [cid for cid, _ in idx.nearest([1.0, 0.0], 10)] == ["b", "a", "c"]
    assert idx.nearest([1.0, 0.0], 0) == []
    assert ExactIndex([], np.zeros((0, 2))).nearest([1.0, 0.0], 5) == []


def test_a_zero_vector_matches_nothing_and_a_wrong_dimension_is_named():
    idx = ExactIndex(["zero", "x"], np.array([[0.0, 0.0], [1.0, 0.0]]))
    assert idx.nearest([1.0, 0.0], 2) == [("x", 1.0), ("zero", 0.0)]
    with pytest.raises(EmbedderMismatchError, match="2-dimensional"):
        idx.nearest([1.0, 0.0, 0.0], 2)
    with pytest.raises(ValueError):
        ExactIndex(["one"], np.zeros((2, 2)))
