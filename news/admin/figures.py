"""The figures' admin: metrics, metric values (with CSV), and figure suggestions on articles.

Figure suggestions: the figures an article's text reports, to accept or dismiss.

After an article is saved the admin says how many figures its text reports that are not yet
recorded, with a link to this screen. Each suggestion shows the sentence it came from; the editor
ticks the ones to keep, picks or names the metric, corrects city, period or value, and confirms.
Unticked suggestions are dismissed: nothing is stored for them, or for anything, before that.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from news import csv_io
from news.figures.suggest import suggest_figures
from news.models import City, Metric, MetricValue
from news.services import AcceptedFigure, FigureError, record_article_figures

from .csv_screens import CsvAdminMixin
from .records import RecordAdminMixin


class FigureSuggestionForm(forms.Form):
    accept = forms.BooleanField(required=False, label="Record this figure")
    value = forms.DecimalField(max_digits=20, decimal_places=4, label="Value")
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.order_by("name"),
        required=False,
        label="Metric",
        help_text="The metric this figure is a value of.",
    )
    new_metric_name = forms.CharField(
        required=False,
        max_length=160,
        label="Or a new metric",
        help_text="Name a new metric if none fits; it is created when you confirm.",
    )
    new_metric_unit = forms.CharField(required=False, max_length=40, label="Unit of the new metric")
    city = forms.ModelChoiceField(queryset=City.objects.order_by("name", "name_zh"), label="City")
    period = forms.CharField(max_length=20, label="Period", help_text="e.g. 2023 or 2019-2023.")
    sentence = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("accept")
            and not cleaned.get("metric")
            and not cleaned.get("new_metric_name")
        ):
            self.add_error("metric", "Choose a metric or name a new one.")
        return cleaned


FigureSuggestionFormSet = formset_factory(FigureSuggestionForm, extra=0)


def article_period(article) -> str:
    moment = article.updated_on or (
        article.published_at and timezone.localdate(article.published_at)
    )
    return str(moment.year) if moment else ""


def pending_suggestions(article) -> list:
    """Suggestions for `article` that are not already recorded as one of its figures."""
    recorded = {(value.metric_id, value.value) for value in article.figures.all()}
    recorded_values = {value for _, value in recorded}
    return [
        suggestion
        for suggestion in suggest_figures(article.body, Metric.objects.all())
        if not (
            (suggestion.metric and (suggestion.metric.pk, suggestion.value) in recorded)
            or (suggestion.metric is None and suggestion.value in recorded_values)
        )
    ]


def initial_city(article, cities, sentence: str):
    for city in cities:
        if city.name and city.name in sentence or city.name_zh and city.name_zh in sentence:
            return city
    return cities[0] if cities else None


class FigureSuggestionsAdminMixin:
    """Adds /admin/news/article/<id>/figures/ and a note after saving an article with figures."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/figures/",
                self.admin_site.admin_view(self.figure_suggestions_view),
                name="news_article_figures",
            ),
            *super().get_urls(),
        ]

    def figure_suggestions_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not (
            self.has_change_permission(request, article)
            and request.user.has_perm("news.add_metricvalue")
        ):
            raise PermissionDenied
        cities = list(article.cities.order_by("name"))
        period = article_period(article)
        suggestions = pending_suggestions(article)
        if request.method == "POST":
            formset = FigureSuggestionFormSet(request.POST)
            if formset.is_valid():
                accepted = [
                    AcceptedFigure(
                        city=form.cleaned_data["city"],
                        period=form.cleaned_data["period"],
                        value=form.cleaned_data["value"],
                        metric=form.cleaned_data["metric"],
                        new_metric_name=form.cleaned_data["new_metric_name"],
                        new_metric_unit=form.cleaned_data["new_metric_unit"],
                    )
                    for form in formset
                    if form.cleaned_data.get("accept")
                ]
                try:
                    stored = record_article_figures(
                        article=article, figures=accepted, by=request.user
                    )
                except FigureError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        f"{len(stored)} figure(s) recorded; "
                        f"{len(formset.forms) - len(stored)} suggestion(s) dismissed.",
                    )
                    return redirect(reverse("admin:news_article_change", args=[article.pk]))
        else:
            formset = FigureSuggestionFormSet(
                initial=[
                    {
                        "value": suggestion.value,
                        "metric": suggestion.metric,
                        "new_metric_name": "" if suggestion.metric else suggestion.proposed_name,
                        "new_metric_unit": "" if suggestion.metric else suggestion.proposed_unit,
                        "city": initial_city(article, cities, suggestion.sentence),
                        "period": period,
                        "sentence": suggestion.sentence,
                    }
                    for suggestion in suggestions
                ]
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Figures in “{article.title}”",
            "formset": formset,
        }
        return TemplateResponse(request, "admin/news/figure_suggestions.html", context)

    def _note_figure_suggestions(self, request, article) -> None:
        if not request.user.has_perm("news.add_metricvalue"):
            return
        count = len(pending_suggestions(article))
        if count:
            messages.info(
                request,
                format_html(
                    '{} figure(s) in the text are not recorded yet. <a href="{}">Review the '
                    "suggested figures</a>: nothing is stored until you confirm.",
                    count,
                    reverse("admin:news_article_figures", args=[article.pk]),
                ),
            )

    def response_add(self, request, obj, post_url_continue=None):
        self._note_figure_suggestions(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._note_figure_suggestions(request, obj)
        return super().response_change(request, obj)


class MetricValueInline(admin.TabularInline):
    model = MetricValue
    extra = 0
    autocomplete_fields = ["metric", "city", "source_article"]
    fields = ["metric", "city", "period", "value", "source_article", "source_note"]


@admin.register(Metric)
class MetricAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "slug"]
    search_fields = ["name", "unit", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MetricValue)
class MetricValueAdmin(RecordAdminMixin, CsvAdminMixin, admin.ModelAdmin):
    list_display = ["metric", "city", "period", "value", "source_article", "source_note"]
    list_filter = ["metric", "period", "city__province"]
    list_select_related = ["metric", "city", "source_article"]
    search_fields = ["metric__name", "city__name", "city__name_zh", "period"]
    autocomplete_fields = ["metric", "city", "source_article"]
    csv_importer = staticmethod(csv_io.import_metric_values)
    csv_exporter = staticmethod(csv_io.export_metric_values)
    csv_columns = csv_io.METRIC_VALUE_COLUMNS
    csv_filename = "metric-values.csv"
