"""The figures' admin: metrics, metric values (with CSV), and figure suggestions on articles.

Figure suggestions: the figures an article's text reports, to record or dismiss.

After an article is saved the admin says how many figures its text reports that are neither
recorded nor dismissed, with a link to this screen (shown to whoever `roles.may_confirm_figures`
allows: the article's editors and writers, and records admins). Each suggestion shows the
sentence it came from, with the period that sentence (or its paragraph) names, else the
article's year; the person ticks the ones to record, picks or names the metric, corrects city,
period or value, and confirms. Only ticked rows are checked. Unticked suggestions are dismissed
and remembered, so saving the article again brings back only new figures; dismissed ones are
listed below, to bring back.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news import csv_io
from news.figures import periods
from news.models import Article, City, Metric, MetricValue, ReviewedFigure
from news.roles import may_confirm_figures
from news.services import (
    AcceptedFigure,
    FigureError,
    bring_back_figures,
    pending_suggestions,
    record_article_figures,
)
from news.services.figures import articles_for_review

from .csv_screens import CsvAdminMixin
from .record_history import RecordHistoryAdminMixin
from .records import RecordAdminMixin


class FigureSuggestionForm(forms.Form):
    """One suggested figure. Only a ticked row is checked: an unticked one is dismissed."""

    accept = forms.BooleanField(required=False, label=_("Record this figure"))
    value = forms.DecimalField(max_digits=20, decimal_places=4, required=False, label=_("Value"))
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.order_by("name"),
        required=False,
        label=_("Metric"),
        help_text=_("The metric this figure is a value of."),
    )
    new_metric_name = forms.CharField(
        required=False,
        max_length=160,
        label=_("Or a new metric"),
        help_text=_("Name a new metric if none fits; it is created when you confirm."),
    )
    new_metric_unit = forms.CharField(
        required=False, max_length=40, label=_("Unit of the new metric")
    )
    city = forms.ModelChoiceField(
        queryset=City.objects.order_by("name", "name_zh"), required=False, label=_("City")
    )
    period = forms.CharField(
        max_length=20,
        required=False,
        label=_("Period"),
        help_text=_(
            "The year or span the figure covers, e.g. 2023 or 2019-2023. Read from the "
            "sentence when it names one, otherwise the article's year."
        ),
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    sentence = forms.CharField(widget=forms.HiddenInput, required=False)

    def full_clean(self):
        """An unticked row is not checked at all: whatever it holds, it is only dismissed."""
        super().full_clean()
        if self.is_bound and not self.cleaned_data.get("accept"):
            self._errors = ErrorDict()

    def clean_period(self):
        period = self.cleaned_data.get("period", "").strip()
        if not period:
            return ""
        try:
            return periods.clean_period(period)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("accept"):
            return cleaned
        for name, message in [
            ("value", gettext("Give the figure's value.")),
            ("city", gettext("Choose the city the figure is for.")),
            ("period", gettext("Give the period the figure covers, e.g. 2023 or 2019-2023.")),
        ]:
            if name not in self.errors and cleaned.get(name) in (None, ""):
                self.add_error(name, message)
        if not cleaned.get("metric") and not cleaned.get("new_metric_name"):
            self.add_error("metric", gettext("Choose a metric or name a new one."))
        return cleaned


FigureSuggestionFormSet = formset_factory(FigureSuggestionForm, extra=0)


def article_period(article) -> str:
    """The article's year, the period a figure gets when its sentence names none."""
    moment = article.updated_on or (
        article.published_at and timezone.localdate(article.published_at)
    )
    return str(moment.year) if moment else ""


def initial_city(article, cities, sentence: str):
    for city in cities:
        if city.name and city.name in sentence or city.name_zh and city.name_zh in sentence:
            return city
    return cities[0] if cities else None


class FiguresAwaitingFilter(admin.SimpleListFilter):
    """The change list's "Figures awaiting confirmation" filter (the records dashboard links it)."""

    title = _("figures awaiting confirmation")
    parameter_name = "figures_awaiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Some figures not recorded yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(figures_awaiting__gt=0)
        return queryset


class FigureSuggestionsAdminMixin:
    """Adds /admin/news/article/<id>/figures/ (and …/figures/bring-back/), the "Suggested
    figures" button for whoever may use them, and a note after saving an article with figures."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/figures/bring-back/",
                self.admin_site.admin_view(self.bring_back_figures_view),
                name="news_article_figures_bring_back",
            ),
            path(
                "<path:object_id>/figures/",
                self.admin_site.admin_view(self.figure_suggestions_view),
                name="news_article_figures",
            ),
            *super().get_urls(),
        ]

    def _article_for_figures(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not may_confirm_figures(request.user, article):
            raise PermissionDenied
        return article

    def figure_suggestions_view(self, request, object_id):
        article = self._article_for_figures(request, object_id)
        suggestions = pending_suggestions(articles_for_review([article.pk]).get())
        by_key = {suggestion.key: suggestion for suggestion in suggestions}
        if request.method == "POST":
            formset = FigureSuggestionFormSet(request.POST)
            if formset.is_valid():
                rows = [form.cleaned_data for form in formset]
                accepted = [
                    AcceptedFigure(
                        city=row["city"],
                        period=row["period"],
                        value=row["value"],
                        metric=row["metric"],
                        new_metric_name=row["new_metric_name"],
                        new_metric_unit=row["new_metric_unit"],
                        suggestion=by_key.get(row["key"]),
                    )
                    for row in rows
                    if row.get("accept")
                ]
                dismissed = [
                    by_key[row["key"]]
                    for row in rows
                    if not row.get("accept") and row.get("key") in by_key
                ]
                try:
                    stored = record_article_figures(
                        article=article, figures=accepted, dismissed=dismissed, by=request.user
                    )
                except FigureError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        gettext(
                            "%(recorded)s figure(s) recorded; %(dismissed)s suggestion(s) "
                            "dismissed (they are listed on the suggestions screen, to bring back)."
                        )
                        % {"recorded": len(stored), "dismissed": len(dismissed)},
                    )
                    return redirect(reverse("admin:news_article_change", args=[article.pk]))
        else:
            cities = list(article.cities.order_by("name"))
            period = article_period(article)
            formset = FigureSuggestionFormSet(
                initial=[
                    {
                        "accept": False,
                        "value": suggestion.value,
                        "metric": suggestion.metric,
                        "new_metric_name": "" if suggestion.metric else suggestion.proposed_name,
                        "new_metric_unit": "" if suggestion.metric else suggestion.proposed_unit,
                        "city": initial_city(article, cities, suggestion.sentence),
                        "period": suggestion.period or period,
                        "key": suggestion.key,
                        "sentence": suggestion.sentence,
                    }
                    for suggestion in suggestions
                ]
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Figures in “%(title)s”") % {"title": article.title},
            "formset": formset,
            "dismissed": ReviewedFigure.objects.filter(
                article=article, outcome=ReviewedFigure.Outcome.DISMISSED
            ).select_related("decided_by"),
        }
        return TemplateResponse(request, "admin/news/figure_suggestions.html", context)

    def bring_back_figures_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for_figures(request, object_id)
        ids = [value for value in request.POST.getlist("review") if value.isdigit()]
        if not ids:
            messages.error(request, gettext("Tick the dismissed figures to bring back."))
        else:
            count = bring_back_figures(article=article, review_ids=ids, by=request.user)
            messages.success(
                request,
                gettext("%(count)s dismissed figure(s) are suggested again.") % {"count": count},
            )
        return redirect(reverse("admin:news_article_figures", args=[article.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_confirm_figures"] = obj is not None and may_confirm_figures(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _note_figure_suggestions(self, request, article) -> None:
        if not may_confirm_figures(request.user, article):
            return
        count = (
            Article.objects.filter(pk=article.pk).values_list("figures_awaiting", flat=True).first()
        )
        if count:
            messages.info(
                request,
                format_html(
                    gettext(
                        '{count} figure(s) in the text are not recorded yet. <a href="{url}">'
                        "Review the suggested figures</a>: nothing is stored until you confirm."
                    ),
                    count=count,
                    url=reverse("admin:news_article_figures", args=[article.pk]),
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
class MetricAdmin(RecordHistoryAdminMixin, RecordAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "slug"]
    search_fields = ["name", "unit", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MetricValue)
class MetricValueAdmin(RecordHistoryAdminMixin, RecordAdminMixin, CsvAdminMixin, admin.ModelAdmin):
    list_display = [
        "metric", "city", "period", "value", "source_article", "source_note", "changed_at",
    ]  # fmt: skip
    list_filter = ["metric", "period", "city__province"]
    list_select_related = ["metric", "city", "source_article"]
    search_fields = ["metric__name", "city__name", "city__name_zh", "period"]
    autocomplete_fields = ["metric", "city", "source_article"]
    csv_importer = staticmethod(csv_io.import_metric_values)
    csv_exporter = staticmethod(csv_io.export_metric_values)
    csv_columns = csv_io.METRIC_VALUE_COLUMNS
    csv_filename = "metric-values.csv"
