"""Periods as editors write them ("2023", "2019-2023", "2023Q2"), in the order a reader expects."""

import re

_YEAR = re.compile(r"\d{4}")


def period_sort_key(period: str) -> tuple:
    """Order by the last year a period mentions, then by its text: 2021 < 2019-2022 < 2022."""
    years = _YEAR.findall(period)
    return (int(years[-1]) if years else 0, len(years) < 2, period)
