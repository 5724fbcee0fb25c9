"""The newsroom's data: cities, programmes and designations, articles, metrics and sourced values."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .querysets import ArticleQuerySet, CityQuerySet, DesignationQuerySet, MetricValueQuerySet
from .sanitise import sanitise_html

division_code_validator = RegexValidator(
    r"^\d{6}$", "An administrative division code is exactly six digits, for example 150200."
)


def unique_slug(model, base: str, *, instance_pk=None, max_length: int = 80) -> str:
    """A slug made from `base` that no other row of `model` uses, adding -2, -3… if needed."""
    base = (slugify(base) or "item")[:max_length].strip("-")
    candidate, number = base, 2
    others = model._default_manager.exclude(pk=instance_pk)
    while others.filter(slug=candidate).exists():
        suffix = f"-{number}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        number += 1
    return candidate


class City(models.Model):
    class Level(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        SUB_PROVINCIAL = "sub_provincial", _("Sub-provincial city")
        PREFECTURE = "prefecture", _("Prefecture-level city")
        AUTONOMOUS_PREFECTURE = "autonomous_prefecture", _("Autonomous prefecture")
        LEAGUE = "league", _("League")
        REGION = "region", _("Region")

    name = models.CharField(
        "English name", max_length=120, blank=True, help_text="As used in English, e.g. Baotou."
    )
    name_zh = models.CharField(
        "Chinese name",
        max_length=60,
        blank=True,
        help_text="In simplified characters, e.g. 包头市.",
    )
    slug = models.SlugField(
        max_length=80,
        unique=True,
        blank=True,
        help_text="The city's address on the site (/cities/<slug>/). Made from the name if left empty.",
    )
    province = models.CharField(
        max_length=60,
        db_index=True,
        help_text="Province or autonomous region, e.g. Inner Mongolia.",
    )
    level = models.CharField(
        "administrative level",
        max_length=24,
        choices=Level.choices,
        default=Level.PREFECTURE,
        db_index=True,
    )
    division_code = models.CharField(
        "administrative division code",
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[division_code_validator],
        help_text="The six-digit national code (GB/T 2260), e.g. 150200 for Baotou. Optional.",
    )
    summary = models.TextField(blank=True, help_text="One or two sentences shown on the city page.")
    image = models.ImageField(upload_to="cities/", blank=True)
    image_alt = models.CharField(
        "image alt text",
        max_length=200,
        blank=True,
        help_text="Describe the image for screen readers.",
    )
    is_featured = models.BooleanField(
        "featured on the home page", default=False, help_text="Show this city on the home page."
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "cities"
        ordering = ["name", "name_zh"]
        constraints = [
            models.CheckConstraint(condition=~Q(name="") | ~Q(name_zh=""), name="city_has_a_name"),
        ]

    def __str__(self) -> str:
        if self.name and self.name_zh:
            return f"{self.name} ({self.name_zh})"
        return self.name or self.name_zh

    def save(self, *args, **kwargs):
        self.division_code = self.division_code or None
        if not self.slug:
            self.slug = unique_slug(City, self.slug_source(), instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:city-detail", kwargs={"slug": self.slug})

    def slug_source(self) -> str:
        """English name if there is one, otherwise the Chinese name spelled in pinyin."""
        if self.name:
            return self.name
        from pypinyin import lazy_pinyin

        return "".join(lazy_pinyin(self.name_zh.removesuffix("市")))

    @property
    def display_name(self) -> str:
        """The name in the visitor's language: Chinese on the Chinese interface, if recorded."""
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name or self.name_zh

    @property
    def other_name(self) -> str:
        """The name in the other language, shown beside display_name; empty if there is none."""
        if not (self.name and self.name_zh):
            return ""
        return self.name if self.display_name == self.name_zh else self.name_zh


class Programme(models.Model):
    name = models.CharField(max_length=200, help_text="Official English name of the scheme.")
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    issuing_body = models.CharField(
        max_length=200, help_text="Who runs it, e.g. China Association for Science and Technology."
    )
    start_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)],
        help_text="Leave empty for an open-ended programme.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="programme_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Programme, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:programme-detail", kwargs={"slug": self.slug})

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}" if self.end_year else f"{self.start_year}–"


class Designation(models.Model):
    """A city's standing in a programme; what the announcement lists show."""

    class Status(models.TextChoices):
        PILOT = "pilot", _("Pilot")
        APPROVED = "approved", _("Approved")
        DEMONSTRATION = "demonstration", _("Demonstration")
        REVOKED = "revoked", _("Revoked")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="designations")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="designations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPROVED)
    announced_on = models.DateField(
        db_index=True, help_text="The date the programme's issuer announced this standing."
    )
    source_article = models.ForeignKey(
        "Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designations",
        help_text="The article that reported the announcement.",
    )

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["-announced_on", "programme__name", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "city"], name="one_designation_per_programme_and_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} — {self.programme} ({self.get_status_display()})"


class Article(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        ANNOUNCEMENT = "announcement", _("Announcement")
        FEATURE = "feature", _("Feature")
        POLICY = "policy", _("Policy")
        DATA_RELEASE = "data_release", _("Data release")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        blank=True,
        help_text="The last part of the article's address. Made from the title if left empty.",
    )
    summary = models.TextField(
        max_length=500, blank=True, help_text="One or two sentences shown in lists and feeds."
    )
    body = models.TextField(
        blank=True,
        help_text="The article text. Scripts, styles and unsafe links are removed on save.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NEWS, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="When the article goes public. A future time schedules it.",
    )
    updated_on = models.DateField(
        "updated date",
        null=True,
        blank=True,
        help_text='The editorial date shown as "Updated:". Change it for a significant change.',
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    byline = models.CharField(
        max_length=200,
        blank=True,
        help_text="The name(s) printed on the article, e.g. Staff reporter.",
    )
    source_name = models.CharField(
        max_length=200, blank=True, help_text="Where the story comes from, e.g. Baotou Daily."
    )
    source_url = models.URLField("source URL", blank=True)
    hero_image = models.ImageField(
        upload_to="articles/",
        blank=True,
        help_text="A JPEG, PNG or WebP photo. Location and camera data are removed on upload.",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Resized copies made once at upload: width, height, format and file name.",
    )
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for people who cannot see it. Required with an image.",
    )
    hero_caption = models.CharField(max_length=300, blank=True)
    hero_credit = models.CharField(max_length=200, blank=True, help_text="e.g. Photo: Xinhua.")
    cities = models.ManyToManyField(City, blank=True, related_name="articles")
    programmes = models.ManyToManyField(Programme, blank=True, related_name="articles")
    tags = TaggableManager(blank=True)
    is_featured = models.BooleanField("featured", default=False, db_index=True)
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="Page title for search engines, if not the headline.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=160,
        blank=True,
        help_text="Search result text, if not the summary.",
    )
    last_major_update_at = models.DateTimeField(
        "last major update",
        null=True,
        blank=True,
        help_text="When the last major change (one with a public change note) was published.",
    )
    expires_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        help_text="Optional. At this time the article leaves the site by itself.",
    )
    withdrawn_at = models.DateTimeField("withdrawn at", null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        "reason for withdrawal",
        blank=True,
        help_text="Shown to readers on the withdrawn article's page.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save, so a stale form cannot overwrite newer work.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="Weighted full-text document, kept current on save (PostgreSQL only).",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", "Can publish, schedule, unpublish, archive and withdraw articles"),
            ("edit_any_article", "Can edit articles written by other people"),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_status_published"),
            models.Index(fields=["kind", "status", "published_at"], name="article_kind_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_publish_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, instance_pk=self.pk, max_length=120)
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)
        from .search import refresh_search_vectors

        refresh_search_vectors([self.pk])

    def get_absolute_url(self) -> str:
        day = self.url_date
        return reverse(
            "news:article-detail",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = "Describe the image: alt text is required when an image is set."
        if self.status == self.Status.PUBLISHED and not self.published_at:
            errors["published_at"] = "A published article needs a publish time."
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        """The same rule as ArticleQuerySet.public(), for one article already in memory."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def first_published_at(self):
        """When the article first went (or goes) public; feeds and sitemaps use it."""
        return self.published_at

    @property
    def updated_at(self):
        """The editorial "Updated" time: the last major change, or first publication."""
        return self.last_major_update_at or self.published_at

    @property
    def url_date(self):
        moment = self.published_at or self.created_at or timezone.now()
        return timezone.localtime(moment).date()


class Metric(models.Model):
    name = models.CharField(
        max_length=160, help_text="e.g. Experts on the Innovation China platform."
    )
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    unit = models.CharField(
        max_length=40, blank=True, help_text="e.g. people, events, bases, yuan."
    )
    description = models.TextField(blank=True, help_text="What is counted and how.")

    class Meta:
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

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="metric_values")
    period = models.CharField(
        max_length=20, help_text="The year or span the value covers, e.g. 2023 or 2019-2023."
    )
    value = models.DecimalField(max_digits=20, decimal_places=4)
    source_article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="figures",
        help_text="The article that reports this figure.",
    )
    source_note = models.CharField(
        max_length=300, blank=True, help_text="Where the figure comes from, if not from an article."
    )

    objects = MetricValueQuerySet.as_manager()

    class Meta:
        verbose_name = "metric value"
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
            raise ValidationError("Give the figure a source: an article or a source note.")


class ArticleRevision(models.Model):
    """A saved copy of an article's editable content, kept on every save, never changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first save, then 2, 3…")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.CharField(max_length=300, blank=True)
    content = models.JSONField(help_text="The article's fields as they were at this save.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="one_revision_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.article_id}"


class ChangeNote(models.Model):
    """A public note for a major change to a published article (as GOV.UK shows them)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="change_notes")
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, help_text="What changed, for readers.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.note


class ArticleEvent(models.Model):
    """The audit trail: who did what to an article, and when."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned to draft"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        ARCHIVED = "archived", "Archived"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RESTORED = "restored", "Restored a revision"
        MAJOR_CHANGE = "major_change", "Major change"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class ArticleRedirect(models.Model):
    """An address an article used to have; the detail view answers it with a 301."""

    old_path = models.CharField(max_length=300, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.old_path


class BodyImage(models.Model):
    """An image for use inside an article's text: uploaded and checked like the hero image,
    with renditions made once; editors insert it in the editor by its address."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="body_images")
    image = models.ImageField(
        upload_to="articles/body/",
        help_text="JPEG, PNG or WebP. After saving, insert it in the text with the Image button "
        "and the address shown here.",
    )
    alt_text = models.CharField(
        max_length=250, help_text="What the image shows, for people who cannot see it."
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "image for the text"
        verbose_name_plural = "images for the text"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.alt_text
