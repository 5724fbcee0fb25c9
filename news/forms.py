"""Forms that parse visitors' input, so a bad query string is a form error and never a crash."""

from urllib.parse import urlencode

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .caching import cached
from .models import Article, City, Designation, Programme
from .search.query import clean_query, parse_query


def form_query(form) -> str:
    """The filters a list or feed was asked for, as the query string of its twin."""
    return urlencode({name: form.data[name] for name in form.fields if form.data.get(name)})


class QuickSelect(forms.Select):
    """A <select> written in Python, one string per option. The filters list hundreds of cities
    and tags; Django's template per option made this widget most of a list page's cost."""

    def render(self, name, value, attrs=None, renderer=None):
        attributes = self.build_attrs(self.attrs, attrs)
        chosen = "" if value in (None, "") else str(value)
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) == chosen else ""}>'
            f"{escape(label)}</option>"
            for choice, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attributes)}>{options}</select>')


#: How each filter list is read from the database: (value, label) pairs.
CHOICE_SOURCES = {
    "city": lambda: [
        (city.slug, city.display_name)
        for city in City.objects.order_by("name").only("slug", "name", "name_zh")
    ],
    "programme": lambda: list(Programme.objects.order_by("name").values_list("slug", "name")),
    "tag": lambda: list(Tag.objects.order_by("name").values_list("slug", "name")),
    "province": lambda: [(province, province) for province in City.objects.provinces()],
}


def filter_choices(request, form_class) -> dict[str, list[tuple[str, str]]]:
    """The options of a form's filter lists in the visitor's language, read once per content
    generation for every app server (the forms still validate submitted values)."""
    return {
        name: cached(request, f"choices-{name}", get_language(), build=CHOICE_SOURCES[name])
        for name in form_class.base_fields
        if name in CHOICE_SOURCES
    }


class CachedChoicesForm(forms.Form):
    """A filter form whose select lists come from `choices` (see filter_choices) when given."""

    def __init__(self, *args, choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if choices and name in choices:
                empty = getattr(field, "empty_label", None) or field.choices[0][1]
                options = [("", empty), *choices[name]]
                field.widget.choices = options
                if not isinstance(field, forms.ModelChoiceField):
                    field.choices = options


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, city):
        return city.display_name


class ArticleFilterForm(CachedChoicesForm):
    """The news list filters; every field optional, all of them combine."""

    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Article.Kind.choices],
        required=False,
        label=_("Kind"),
        widget=QuickSelect,
    )
    city = CityChoiceField(
        queryset=City.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
        label=_("City"),
        widget=QuickSelect,
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All programmes"),
        label=_("Programme"),
        widget=QuickSelect,
    )
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All tags"),
        label=_("Tag"),
        widget=QuickSelect,
    )
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100, label=_("Year"))

    def filters(self) -> dict:
        """The cleaned filters, ready for ArticleQuerySet.filtered()."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def active_filters(self) -> dict:
        return {name: value for name, value in self.filters().items() if value not in (None, "")}


class DesignationFilterForm(CachedChoicesForm):
    """The designations list filters: programme, status, province and year, all combinable."""

    programme = ArticleFilterForm.base_fields["programme"]
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *Designation.Status.choices],
        required=False,
        label=_("Status"),
        widget=QuickSelect,
    )
    province = forms.ChoiceField(
        choices=[("", _("All provinces"))], required=False, label=_("Province"), widget=QuickSelect
    )
    year = forms.IntegerField(required=False, min_value=1949, max_value=2100, label=_("Year"))

    def __init__(self, *args, choices: dict | None = None, **kwargs):
        if choices is None:  # a feed checks its filters without drawing them
            choices = {"province": [(p, p) for p in City.objects.provinces()]}
        super().__init__(*args, choices=choices, **kwargs)

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


class SearchForm(CachedChoicesForm):
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
