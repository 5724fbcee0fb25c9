"""Figures written out exactly for files and readably for pages, with the sign kept."""

from decimal import Decimal

import pytest

from news.figures.numbers import format_number, readable_number
from news.templatetags.news_tags import figure


@pytest.mark.parametrize(
    ("stored", "exact", "readable"),
    [
        ("2333.0000", "2333", "2,333"),
        ("12.5000", "12.5", "12.5"),
        ("1234567.2500", "1234567.25", "1,234,567.25"),
        ("-0.5000", "-0.5", "-0.5"),
        ("-1234.5000", "-1234.5", "-1,234.5"),
        ("0.0000", "0", "0"),
        ("-0.0000", "0", "0"),
        ("1E+3", "1000", "1,000"),
    ],
)
def test_numbers_are_written_exactly_and_readably(stored, exact, readable):
    assert format_number(Decimal(stored)) == exact
    assert readable_number(Decimal(stored)) == readable
    assert figure(Decimal(stored)) == readable


def test_empty_figure_is_blank():
    assert figure(None) == "" and figure("") == ""
