"""Figures as data: metric definitions and their sourced values per city and period."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.figures.periods import period_sort_key

from .articles import Article
from .changes import record_history
from .register import City, source_is_public, unique_slug
from .visibility import visible_condition


class MetricValueQuerySet(models.QuerySet):
    def with_listing_data(self):
        """Metric, city and source article in one query, with `source_is_public` resolved."""
        return self.select_related("metric", "city", "source_article").annotate(
            source_is_public=source_is_public()
        )

    def shown_to_public(self):
        """Values the public may see: sourced to a public article, or carrying a source note.

        A value whose only source is an unpublished article stays hidden with that article.
        """
        return self.filter(
            visible_condition(timezone.now(), "source_article__") | ~Q(source_note="")
        )

    def sourced_to_public_articles(self):
        """Values reported by a public article (not those resting on a note alone)."""
        return self.filter(visible_condition(timezone.now(), "source_article__"))

    def headline_figures(self):
        """The figures the home page leads with: the newest public articles' figures first."""
        return (
            self.sourced_to_public_articles()
            .with_listing_data()
            .order_by("-source_article__published_at", "metric__name")
        )

    def periods(self) -> list[str]:
        """The distinct periods of these values, oldest first (one query)."""
        found = self.order_by("period").values_list("period", flat=True).distinct()
        return sorted(found, key=period_sort_key)

    def in_display_order(self):
        return self.order_by("metric__name", "city__name", "period")


class MetricQuerySet(models.QuerySet):
    def with_public_counts(self):
        """Each metric with how many cities and values the public may see."""
        shown = MetricValue.objects.shown_to_public().values("pk")
        return self.annotate(
            city_count=Count("values__city", filter=Q(values__in=shown), distinct=True),
            value_count=Count("values", filter=Q(values__in=shown), distinct=True),
        )


class Metric(models.Model):
    name = models.CharField(
        _("name"), max_length=160, help_text=_("e.g. Experts on the Innovation China platform.")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("e.g. people, events, bases, yuan.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What is counted and how.")
    )

    objects = MetricQuerySet.as_manager()
    history = record_history(
        verbose_name=_("historical metric"), verbose_name_plural=_("historical metrics")
    )

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Metric, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:metric-detail", kwargs={"slug": self.slug})


class MetricValue(models.Model):
    """One figure: a metric's value for a city and period, always with its source."""

    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="values", verbose_name=_("metric")
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="metric_values", verbose_name=_("city")
    )
    period = models.CharField(
        _("period"),
        max_length=20,
        help_text=_("The year or span the value covers, e.g. 2023 or 2019-2023."),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source_article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("source article"),
        help_text=_("The article that reports this figure."),
    )
    source_note = models.CharField(
        _("source note"),
        max_length=300,
        blank=True,
        help_text=_("Where the figure comes from, if not from an article."),
    )
    changed_at = models.DateTimeField(
        _("last changed"),
        null=True,
        blank=True,
        default=timezone.now,
        editable=False,
        help_text=_(
            "When this figure was last created or changed (empty for figures older than "
            "their history); the public metric page shows it."
        ),
    )

    objects = MetricValueQuerySet.as_manager()
    # A history row per change; looked up by the value's id only, so the copied links to the
    # metric, city and article need no index of their own (a 100,000-row import writes fewer).
    history = record_history(
        no_db_index=["metric", "city", "source_article"],
        verbose_name=_("historical metric value"),
        verbose_name_plural=_("historical metric values"),
    )

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        ordering = ["metric__name", "city__name", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "city", "period"], name="one_value_per_metric_city_period"
            ),
        ]
        indexes = [models.Index(fields=["city", "metric", "period"], name="metricvalue_city")]

    def __str__(self) -> str:
        return f"{self.metric.name}, {self.city.display_name}, {self.period}: {self.value}"

    def clean(self):
        from django.core.exceptions import ValidationError

        # The article may still be unsaved when the figure is added inline on its form.
        if self.source_article is None and not self.source_note.strip():
            raise ValidationError(_("Give the figure a source: an article or a source note."))


class ReviewedFigure(models.Model):
    """A figure suggestion someone decided on, so it is not suggested again: dismissed, or
    recorded as a value (while that value exists).

    A suggestion is known by its article, a fingerprint of the sentence it was read from, its
    value and the words saying what it counts: a figure in an edited sentence, or a new one, is
    suggested afresh; the same figure is not.
    """

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        DISMISSED = "dismissed", _("Dismissed")

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="reviewed_figures",
        verbose_name=_("article"),
    )
    sentence_fingerprint = models.CharField(
        _("sentence fingerprint"),
        max_length=64,
        help_text=_("SHA-256 of the sentence, its spaces collapsed."),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    phrase = models.CharField(
        _("phrase"), max_length=300, help_text=_("What the number counts, as written.")
    )
    sentence = models.TextField(
        _("sentence"), help_text=_("The sentence the figure was read from.")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    metric_value = models.ForeignKey(
        MetricValue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("metric value"),
        help_text=_(
            "The value it was recorded as; if that value is deleted, it is suggested again."
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("reviewed figure")
        verbose_name_plural = _("reviewed figures")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "sentence_fingerprint", "value", "phrase"],
                name="one_review_per_suggestion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value.normalize():f} {self.phrase} ({self.get_outcome_display()})"
