"""Forms that parse visitors' input, so a bad query string is a form error and never a crash."""

from django import forms
from taggit.models import Tag

from .models import Article, City, Programme


class ArticleFilterForm(forms.Form):
    """The news list filters; every field optional, all of them combine."""

    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Article.Kind.choices], required=False, label="Kind"
    )
    city = forms.ModelChoiceField(
        queryset=City.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All cities",
        label="City",
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All programmes",
        label="Programme",
    )
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All tags",
        label="Tag",
    )
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100, label="Year")

    def filters(self) -> dict:
        """The cleaned filters, ready for ArticleQuerySet.filtered()."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def active_filters(self) -> dict:
        return {name: value for name, value in self.filters().items() if value not in (None, "")}
