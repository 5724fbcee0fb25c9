"""Articles: the stories and the addresses they used to have."""

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

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("The last part of the article's address. Made from the title if left empty."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences shown in lists and feeds."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("The article text. Scripts, styles and unsafe links are removed on save."),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.NEWS, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_("When the article goes public. A future time schedules it."),
    )
    updated_on = models.DateField(
        _("updated date"),
        null=True,
        blank=True,
        help_text=_('The editorial date shown as "Updated:". Change it for a significant change.'),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("author"),
    )
    byline = models.CharField(
        _("byline"),
        max_length=200,
        blank=True,
        help_text=_("The name(s) printed on the article, e.g. Staff reporter."),
    )
    source_name = models.CharField(
        _("source name"),
        max_length=200,
        blank=True,
        help_text=_("Where the story comes from, e.g. Baotou Daily."),
    )
    source_url = models.URLField(_("source URL"), blank=True)
    hero = models.ForeignKey(
        "news.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_of",
        verbose_name=_("hero image"),
        help_text=_(
            "The picture at the top of the article, from the media library; its alt text, "
            "caption and credit are the library's."
        ),
    )
    cities = models.ManyToManyField(
        City, blank=True, related_name="articles", verbose_name=_("cities")
    )
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="articles", verbose_name=_("programmes")
    )
    tags = TaggableManager(blank=True)
    is_featured = models.BooleanField(_("featured"), default=False, db_index=True)
    seo_title = models.CharField(
        _("SEO title"),
        max_length=70,
        blank=True,
        help_text=_("Page title for search engines, if not the headline."),
    )
    seo_description = models.CharField(
        _("SEO description"),
        max_length=160,
        blank=True,
        help_text=_("Search result text, if not the summary."),
    )
    last_major_update_at = models.DateTimeField(
        _("last major update"),
        null=True,
        blank=True,
        help_text=_("When the last major change (one with a public change note) was published."),
    )
    expires_at = models.DateTimeField(
        _("expiry time"),
        null=True,
        blank=True,
        help_text=_("Optional. At this time the article leaves the site by itself."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown to readers on the withdrawn article's page."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up by one on every save, so a stale form cannot overwrite newer work."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified at"), auto_now=True)
    figures_awaiting = models.PositiveIntegerField(
        _("figures awaiting confirmation"),
        default=0,
        editable=False,
        help_text=_(
            "How many figures the text reports that are neither recorded nor dismissed; "
            "kept current by news.services.figures."
        ),
    )
    search_vector = SearchVectorField(
        _("search vector"),
        null=True,
        editable=False,
        help_text=_("Weighted full-text document, kept current on save (PostgreSQL only)."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
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
        if self.status == self.Status.PUBLISHED and not self.published_at:
            errors["published_at"] = _("A published article needs a publish time.")
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

    old_path = models.CharField(_("old path"), max_length=300, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("article redirect")
        verbose_name_plural = _("article redirects")

    def __str__(self) -> str:
        return self.old_path
