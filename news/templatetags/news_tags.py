"""Presentation helpers for templates: numbers, query strings, JSON-LD and the newsroom's
recorded phrases in the reader's language."""

from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

from news.figures.linked_data import figures_jsonld as figures_jsonld_block
from news.figures.numbers import readable_number
from news.figures.suggest import link_figures
from news.images import (
    library_picture,
    picture_sources,
    responsive_body_images,
    share_image_url,
)
from news.phrases import in_language as phrase_in_language
from news.sanitise import json_for_script

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def hero_picture(article, sizes: str = "100vw", lazy: bool = False):
    """The article's hero (a library image) as a responsive <picture> from its renditions."""
    return {"picture": library_picture(article.hero, sizes=sizes), "lazy": lazy}


@register.inclusion_tag("includes/picture.html")
def city_picture(city, sizes: str = "100vw", lazy: bool = False):
    """The city's image as a responsive <picture> from renditions made at upload."""
    picture = picture_sources(
        city.image, city.image_renditions, alt=city.image_alt, sizes=sizes,
        width=city.image_width, height=city.image_height,
    )  # fmt: skip
    return {"picture": picture, "lazy": lazy}


@register.simple_tag(takes_context=True)
def share_image(context, image, renditions) -> str:
    """Absolute address of an image's link-preview copy (a library image's share crop, else
    its largest JPEG rendition)."""
    url = share_image_url(image, renditions)
    return context["request"].build_absolute_uri(url) if url else ""


@register.filter
def figure(value) -> str:
    """A stored decimal as a reader writes it: 2333.0000 → 2,333; 12.5000 → 12.5."""
    if value is None or value == "":
        return ""
    return readable_number(Decimal(value))


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


@register.simple_tag(takes_context=True)
def figures_jsonld(context, figures, name: str, description: str = "", *downloads):
    """The page's figures as schema.org JSON-LD (Dataset and Observations); see linked_data."""
    return figures_jsonld_block(
        request=context["request"],
        name=name,
        description=description,
        values=figures,
        downloads=downloads,
    )


@register.simple_tag
def body_with_figure_links(body: str, figures, body_images=()):
    """An article body (already sanitised) with each figure it reports linked to its metric page
    and each library image it shows printed as a <picture> with its renditions."""
    linked = link_figures(body, figures, lambda figure: figure.metric.get_absolute_url())
    return mark_safe(responsive_body_images(linked, body_images))  # noqa: S308


@register.filter
def jsonld(data) -> str:
    """`data` as JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(
        json_for_script(data)
    )  # <, > and & are escaped above, so the script cannot be closed


@register.filter
def in_language(text: str) -> str:
    """A phrase the newsroom recorded in English ("Edited"), in the reader's language
    (news/phrases.py); anything else as it was written."""
    return phrase_in_language(text)
