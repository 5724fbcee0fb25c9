"""Periods as editors write them ("2023", "2019-2023", "2023Q2"), in the order a reader expects;
checked when an editor types one, and read from the sentence that reports a figure."""

import re

from django.utils.translation import gettext

_YEAR = re.compile(r"\d{4}")
FIRST_YEAR, LAST_YEAR = 1900, 2100

_Y = r"(?:19|20)\d{2}"
#: A day (2023-07-04, 2023年7月4日) names its year and nothing longer.
_DAY = re.compile(rf"(?<![\d,.])({_Y})(?:-\d{{1,2}}-\d{{1,2}}|年\d{{1,2}}月(?:\d{{1,2}}日)?)")
#: "2023-2025", "2023–25", "2019年至2023年", "from 2019 to 2023", "between 2019 and 2023"
#: (but "in 2023 and 2024" names two years, not a span).
_SPAN = re.compile(
    rf"(?:\bfrom\s+)?(?<![\d,.])({_Y})年?\s*"
    rf"(?:-|–|—|~|～|至|到|\bto\b|\buntil\b|\bthrough\b)\s*"
    rf"((?:19|20)?\d{{2}})(?![\d,]\d)年?"
    rf"|\bbetween\s+({_Y})\s+and\s+({_Y})\b",
    re.IGNORECASE,
)
#: "in 2024", "by the end of 2023", "2023年".
_SINGLE = re.compile(rf"(?<![\d,.])({_Y})(?![\d,]\d)")
_TYPED_SPAN = re.compile(r"(\d{4})\s*[-–—]\s*(\d{4})")
_TYPED_PART = re.compile(r"(\d{4})(?:Q[1-4]|H[12])?", re.IGNORECASE)


def period_sort_key(period: str) -> tuple:
    """Order by the last year a period mentions, then by its text: 2021 < 2019-2022 < 2022."""
    years = _YEAR.findall(period)
    return (int(years[-1]) if years else 0, len(years) < 2, period)


def _span(start: str, end: str) -> str | None:
    """ "2023", "25" → "2023-2025"; None if the end comes before the start (not a span)."""
    if len(end) == 2:
        end = start[:2] + end
    if int(end) < int(start):
        return None
    return start if end == start else f"{start}-{end}"


def periods_named_in(text: str) -> list[tuple[int, int, str]]:
    """Every year or span of years `text` names, as (start, end, period), in reading order."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= left or start >= right for left, right in taken)

    for match in _DAY.finditer(text):
        found.append((match.start(), match.end(), match.group(1)))
        taken.append(match.span())
    for match in _SPAN.finditer(text):
        start, end = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        period = _span(start, end)
        if period and free(*match.span()):
            found.append((match.start(), match.end(), period))
            taken.append(match.span())
    for match in _SINGLE.finditer(text):
        if free(*match.span()):
            found.append((match.start(), match.end(), match.group(1)))
    return sorted(found)


def period_near(text: str, position: int) -> str:
    """The year or span `text` names nearest to `position` (a figure's place in it), or ""."""
    best, best_distance = "", None
    for start, end, period in periods_named_in(text):
        distance = 0 if start <= position < end else min(abs(position - start), abs(position - end))
        if best_distance is None or distance < best_distance:
            best, best_distance = period, distance
    return best


def clean_period(text: str) -> str:
    """A period as typed, checked and written the one way: "2023", "2019-2023", "2023Q2".
    Raises ValueError with a sentence for the editor if it is not one."""
    typed = text.strip()
    span = _TYPED_SPAN.fullmatch(typed)
    parts = [span.group(1), span.group(2)] if span else None
    if parts is None and not _TYPED_PART.fullmatch(typed):
        raise ValueError(
            gettext(
                "“%(typed)s” is not a period: write a year (2023), a span of years (2019-2023) "
                "or a quarter (2023Q2)."
            )
            % {"typed": typed}
        )
    years = [int(year) for year in (parts or [typed[:4]])]
    if any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
        raise ValueError(
            gettext("“%(typed)s” is outside %(first)s–%(last)s: check the year.")
            % {"typed": typed, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if parts:
        if years[1] < years[0]:
            raise ValueError(
                gettext("“%(typed)s” ends before it starts: write the earlier year first.")
                % {"typed": typed}
            )
        return f"{years[0]}-{years[1]}" if years[1] != years[0] else str(years[0])
    return typed.upper()
