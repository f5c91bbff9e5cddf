"""Sequence numbers put reordered operations back in order, within bounds."""

from __future__ import annotations

import random

import pytest

from actors.cluster.sequence import Resequencer, SequenceOverflow, Sequencer

pytestmark = pytest.mark.mode_independent


def test_a_shuffled_stream_comes_out_in_sending_order() -> None:
    seq: Sequencer[str] = Sequencer()
    sent = [(seq.next("ctx"), i) for i in range(2_000)]
    random.Random(7).shuffle(sent)
    reseq: Resequencer[str, int] = Resequencer()
    out: list[int] = []
    for n, item in sent:
        out.extend(reseq.push("ctx", n, item))
    assert out == list(range(2_000))
    assert reseq.held() == 0


def test_streams_of_different_keys_do_not_wait_for_each_other() -> None:
    reseq: Resequencer[str, str] = Resequencer()
    assert reseq.push("a", 2, "a2") == []
    assert reseq.push("b", 1, "b1") == ["b1"]
    assert reseq.push("a", 1, "a1") == ["a1", "a2"]


def test_duplicates_and_old_numbers_are_dropped() -> None:
    reseq: Resequencer[str, str] = Resequencer()
    assert reseq.push("k", 1, "x") == ["x"]
    assert reseq.push("k", 1, "x again") == []
    assert reseq.push("k", 3, "z") == []
    assert reseq.push("k", 3, "z again") == []
    assert reseq.push("k", 2, "y") == ["y", "z"]


def test_a_sender_skipping_a_number_cannot_make_the_receiver_hold_without_bound() -> None:
    reseq: Resequencer[str, int] = Resequencer(max_held=100)
    for n in range(2, 102):
        reseq.push("k", n, n)
    with pytest.raises(SequenceOverflow):
        reseq.push("k", 500, 500)
    assert reseq.held() == 100


def test_a_gap_open_past_the_gap_timeout_is_skipped() -> None:
    now = [0.0]
    reseq: Resequencer[str, int] = Resequencer(gap_timeout=1.0, clock=lambda: now[0])
    assert reseq.push("k", 2, 2) == []
    assert reseq.push("k", 3, 3) == []
    assert reseq.expire() == []
    now[0] = 1.5
    assert reseq.expire() == [2, 3]
    assert reseq.skipped == 1
    assert reseq.push("k", 1, 1) == []  # the lost one turning up late is dropped, not applied out of order
    assert reseq.push("k", 4, 4) == [4]


def test_forgetting_a_context_hands_back_what_it_held() -> None:
    reseq: Resequencer[tuple[str, int], str] = Resequencer()
    reseq.push(("s", 1), 5, "held")
    reseq.push(("s", 2), 5, "other")
    assert reseq.forget(lambda key: key[1] == 1) == ["held"]
    assert reseq.held() == 1
