"""Forms that parse visitors' input, so a bad query string is a form error and never a crash."""

from django import forms
from taggit.models import Tag

from .models import Article, City, Designation, Programme


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


class DesignationFilterForm(forms.Form):
    """The announcements list filters: programme, status, province and year, all combinable."""

    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All programmes",
        label="Programme",
    )
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *Designation.Status.choices],
        required=False,
        label="Status",
    )
    province = forms.ChoiceField(required=False, label="Province")
    year = forms.IntegerField(required=False, min_value=1949, max_value=2100, label="Year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = City.objects.provinces()
        self.fields["province"].choices = [("", "All provinces")] + [(p, p) for p in provinces]

    def filters(self) -> dict:
        """The cleaned filters, ready for DesignationQuerySet.filtered()."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def active_filters(self) -> dict:
        return {name: value for name, value in self.filters().items() if value not in (None, "")}


class MetricPeriodForm(forms.Form):
    """The metric page's choice of period, and whether to answer as CSV."""

    period = forms.ChoiceField(required=False, label="Period")
    format = forms.ChoiceField(
        choices=[("", "Web page"), ("csv", "CSV")], required=False, label="Format"
    )

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "Latest")] + [(p, p) for p in reversed(periods)]
