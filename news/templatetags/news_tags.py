"""Presentation helpers for templates: number formatting and query-string editing."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def hero_picture(article, sizes: str = "100vw", lazy: bool = False):
    """The article's hero as a responsive <picture> from renditions made at upload."""
    from news.images import picture_sources

    return {"picture": picture_sources(article, sizes=sizes), "lazy": lazy}


@register.filter
def figure(value) -> str:
    """A stored decimal as a reader writes it: 2333.0000 → 2,333; 12.5000 → 12.5."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return intcomma(int(number))
    text = format(number.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{intcomma(int(whole))}.{fraction}" if whole.lstrip("-") else text


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with `changes` applied (None removes a key); for pagination."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
