"""Articles: the stories, their images for the text and the addresses they used to have."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from news.sanitise import sanitise_html

from .article_queries import ArticleQuerySet
from .register import City, Programme, unique_slug


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
    figures_awaiting = models.PositiveIntegerField(
        "figures awaiting confirmation",
        default=0,
        editable=False,
        help_text="How many figures the text reports that are neither recorded nor dismissed; "
        "kept current by news.services.figures.",
    )
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
            models.Index(fields=["status", "expires_at"], name="article_status_expires"),
            models.Index(
                fields=["-modified_at"],
                condition=Q(figures_awaiting__gt=0),
                name="article_figures_awaiting",
            ),
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
        """Normalise this row only (slug, sanitised body); the edit services do the rest."""
        if not self.slug:
            self.slug = unique_slug(Article, self.title, instance_pk=self.pk, max_length=120)
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

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
        """The same rule as visible_condition(), for one article already in memory."""
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
