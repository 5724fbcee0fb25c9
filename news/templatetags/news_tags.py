"""Presentation helpers for templates: numbers, query strings and JSON-LD."""

import json
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

register = template.Library()


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


#: Characters that could end a <script> element or start an HTML comment, escaped in JSON.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data) -> str:
    """`data` as JSON safe to place inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return mark_safe(text)  # <, > and & are escaped above, so the script cannot be closed
