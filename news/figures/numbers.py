"""How stored figures are written out: exactly for files, readably for pages and charts."""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma


def format_number(number: Decimal) -> str:
    """A stored value as the shortest exact text: 2333.0000 → 2333, 12.5000 → 12.5."""
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in {"-0", ""} else text


def readable_number(number: Decimal) -> str:
    """The same value as a reader writes it, with thousands separators: 2,333; -1,234.5."""
    text = format_number(number)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = digits.partition(".")
    return f"{sign}{intcomma(int(whole))}" + (f".{fraction}" if fraction else "")
