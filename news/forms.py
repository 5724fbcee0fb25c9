"""Forms that parse visitors' input, so a bad query string is a form error and never a crash."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import Article, City, Designation, Programme
from .search.query import clean_query, parse_query


def form_query(form) -> str:
    """The filters a list or feed was asked for, as the query string of its twin."""
    return urlencode({name: form.data[name] for name in form.fields if form.data.get(name)})


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, city):
        return city.display_name


class ArticleFilterForm(forms.Form):
    """The news list filters; every field optional, all of them combine."""

    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Article.Kind.choices], required=False, label=_("Kind")
    )
    city = CityChoiceField(
        queryset=City.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
        label=_("City"),
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All programmes"),
        label=_("Programme"),
    )
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All tags"),
        label=_("Tag"),
    )
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100, label=_("Year"))

    def filters(self) -> dict:
        """The cleaned filters, ready for ArticleQuerySet.filtered()."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def active_filters(self) -> dict:
        return {name: value for name, value in self.filters().items() if value not in (None, "")}


class DesignationFilterForm(forms.Form):
    """The designations list filters: programme, status, province and year, all combinable."""

    programme = ArticleFilterForm.base_fields["programme"]
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *Designation.Status.choices],
        required=False,
        label=_("Status"),
    )
    province = forms.ChoiceField(required=False, label=_("Province"))
    year = forms.IntegerField(required=False, min_value=1949, max_value=2100, label=_("Year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = City.objects.provinces()
        self.fields["province"].choices = [("", _("All provinces"))] + [(p, p) for p in provinces]

    def filters(self) -> dict:
        """The cleaned filters, ready for DesignationQuerySet.filtered()."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def active_filters(self) -> dict:
        return {name: value for name, value in self.filters().items() if value not in (None, "")}


class MetricPeriodForm(forms.Form):
    """The metric page's choice of period, and whether to answer as CSV."""

    period = forms.ChoiceField(required=False, label=_("Period"))
    format = forms.ChoiceField(
        choices=[("", _("Web page")), ("csv", "CSV")], required=False, label=_("Format")
    )

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", _("Latest"))] + [(p, p) for p in reversed(periods)]


class QueryField(forms.CharField):
    """Free text, cleaned (control characters dropped, length capped) before validation."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchForm(forms.Form):
    """The search box and its filters. Any text is a valid query: it is cleaned, never refused."""

    q = QueryField(
        required=False,
        label=_("Search for"),
        help_text=_('Use "quotes" for a phrase, -word to leave a word out, and OR for either.'),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = ArticleFilterForm.base_fields["kind"]
    city = ArticleFilterForm.base_fields["city"]
    year = ArticleFilterForm.base_fields["year"]

    def parsed_query(self):
        return parse_query(self.cleaned_data.get("q", "") if self.is_valid() else "")

    def filters(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("kind", "city", "year")}
