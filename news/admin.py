"""The editors' interface: every model, with the lists, filters and inlines a newsroom needs."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from taggit.models import Tag

from .models import Article, City, Designation, Metric, MetricValue, Programme
from .search import refresh_search_vectors


class MetricValueInline(admin.TabularInline):
    model = MetricValue
    extra = 0
    autocomplete_fields = ["metric", "city", "source_article"]
    fields = ["metric", "city", "period", "value", "source_article", "source_note"]


class ArticleFiguresInline(MetricValueInline):
    """On an article: the figures this article reports (their source is the article)."""

    fk_name = "source_article"
    verbose_name = "figure this article reports"
    verbose_name_plural = "figures this article reports"
    fields = ["metric", "city", "period", "value", "source_note"]
    autocomplete_fields = ["metric", "city"]


class CityFiguresInline(MetricValueInline):
    fk_name = "city"
    verbose_name = "figure"
    verbose_name_plural = "figures for this city"
    fields = ["metric", "period", "value", "source_article", "source_note"]
    autocomplete_fields = ["metric", "source_article"]


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    autocomplete_fields = ["city", "programme", "source_article"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "province", "level", "division_code", "is_featured"]
    list_filter = ["province", "level", "is_featured"]
    search_fields = ["name", "name_zh", "division_code", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityFiguresInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "issuing_body", "start_year", "end_year"]
    list_filter = ["issuing_body"]
    search_fields = ["name", "issuing_body"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DesignationInline]


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ["city", "programme", "status", "announced_on", "source_article"]
    list_filter = ["status", "programme", "city__province"]
    list_select_related = ["city", "programme", "source_article"]
    search_fields = ["city__name", "city__name_zh", "programme__name"]
    autocomplete_fields = ["city", "programme", "source_article"]
    date_hierarchy = "announced_on"


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a box for tags that do not exist yet."""

    new_tags = forms.CharField(
        required=False,
        label="New tags",
        help_text="Comma-separated tags to create and add, e.g. innovation, talent.",
    )

    source_url = forms.URLField(label="Source URL", required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = [
            "title", "slug", "kind", "summary", "body", "status", "published_at", "updated_on",
            "is_featured", "author", "byline", "source_name", "source_url", "hero_image",
            "hero_alt", "hero_caption", "hero_credit", "cities", "programmes", "seo_title",
            "seo_description",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
            help_text="Start typing to find existing tags.",
        )
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())

    def clean(self):
        cleaned = super().clean()
        names = [name.strip() for name in cleaned.get("new_tags", "").split(",") if name.strip()]
        cleaned["tags"] = [*cleaned.get("tags", []), *names]
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "kind",
        "status",
        "published_at",
        "updated_on",
        "author",
        "is_featured",
    ]
    list_filter = ["status", "kind", "is_featured", "programmes"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["cities", "programmes", "author"]
    inlines = [ArticleFiguresInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_on", "is_featured"]}),
        ("People and sources", {"fields": ["author", "byline", "source_name", "source_url"]}),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]},
        ),
        ("About", {"fields": ["cities", "programmes", "tags", "new_tags"]}),
        ("Search engines", {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Cities and tags are saved after the article: index their names now.
        refresh_search_vectors([form.instance.pk])


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "slug"]
    search_fields = ["name", "unit", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    list_display = ["metric", "city", "period", "value", "source_article", "source_note"]
    list_filter = ["metric", "period", "city__province"]
    list_select_related = ["metric", "city", "source_article"]
    search_fields = ["metric__name", "city__name", "city__name_zh", "period"]
    autocomplete_fields = ["metric", "city", "source_article"]
