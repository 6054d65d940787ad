"""The reading time shown with each article: words over 220 a minute, rounded up."""

from hypothesis import given
from hypothesis import strategies as st

from articles.reading_time import WORDS_PER_MINUTE, reading_minutes


def words(count: int) -> str:
    return " ".join(["word"] * count)


def test_a_short_or_empty_text_is_one_minute():
    assert reading_minutes([]) == 1
    assert reading_minutes([""]) == 1
    assert reading_minutes(["Hello."]) == 1


def test_minutes_round_up_at_each_full_minute():
    assert reading_minutes([words(WORDS_PER_MINUTE)]) == 1
    assert reading_minutes([words(WORDS_PER_MINUTE + 1)]) == 2
    assert reading_minutes([words(2000)]) == 10


def test_words_are_counted_across_blocks_and_any_whitespace():
    assert reading_minutes([words(200), "one\ntwo\tthree  four", words(17)]) == 2
    assert reading_minutes([words(110), words(110)]) == 1


@given(st.lists(st.text(max_size=400), max_size=20), st.text(max_size=400))
def test_more_text_never_reads_faster(texts, more):
    assert 1 <= reading_minutes(texts) <= reading_minutes([*texts, more])
