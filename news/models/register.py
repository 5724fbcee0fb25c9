"""The city register: cities, the programmes they take part in, and their designations."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .changes import record_history
from .visibility import visible_condition

division_code_validator = RegexValidator(
    r"^\d{6}$", _("An administrative division code is exactly six digits, for example 150200.")
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


def source_is_public(prefix: str = "source_article__"):
    """An annotation: is the related source article visible to the public now? Pages receive
    this resolved, so no template re-spells the visibility rule."""
    return Case(
        When(visible_condition(timezone.now(), prefix), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


class CityQuerySet(models.QuerySet):
    def provinces(self) -> list[str]:
        """Every province that has a city, in alphabetical order (one query)."""
        return list(self.order_by("province").values_list("province", flat=True).distinct())

    def matching(self, terms):
        """Cities whose English or Chinese name or province contains any of `terms`."""
        condition = Q()
        for term in terms:
            condition |= (
                Q(name__icontains=term) | Q(name_zh__icontains=term) | Q(province__icontains=term)
            )
        return self.filter(condition) if terms else self.none()

    def by_province(self):
        return self.order_by("province", "name", "name_zh")

    def with_public_article_counts(self):
        public = visible_condition(timezone.now(), "articles__")
        return self.annotate(public_article_count=Count("articles", filter=public, distinct=True))


class City(models.Model):
    class Level(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        SUB_PROVINCIAL = "sub_provincial", _("Sub-provincial city")
        PREFECTURE = "prefecture", _("Prefecture-level city")
        AUTONOMOUS_PREFECTURE = "autonomous_prefecture", _("Autonomous prefecture")
        LEAGUE = "league", _("League")
        REGION = "region", _("Region")

    name = models.CharField(
        _("English name"),
        max_length=120,
        blank=True,
        help_text=_("As used in English, e.g. Baotou."),
    )
    name_zh = models.CharField(
        _("Chinese name"),
        max_length=60,
        blank=True,
        help_text=_("In simplified characters, e.g. 包头市."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_(
            "The last part of the city's address on the site, e.g. baotou in /cities/baotou/. "
            "Made from the name if left empty."
        ),
    )
    province = models.CharField(
        _("province"),
        max_length=60,
        db_index=True,
        help_text=_("Province or autonomous region, e.g. Inner Mongolia."),
    )
    level = models.CharField(
        _("administrative level"),
        max_length=24,
        choices=Level.choices,
        default=Level.PREFECTURE,
        db_index=True,
    )
    division_code = models.CharField(
        _("administrative division code"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[division_code_validator],
        help_text=_("The six-digit national code (GB/T 2260), e.g. 150200 for Baotou. Optional."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown on the city page.")
    )
    image = models.ImageField(
        _("image"),
        upload_to="cities/",
        blank=True,
        help_text=_(
            "A JPEG, PNG or WebP photo shown on the city page. Location and camera data "
            "are removed on upload."
        ),
    )
    image_width = models.PositiveIntegerField(
        _("image width"), null=True, blank=True, editable=False
    )
    image_height = models.PositiveIntegerField(
        _("image height"), null=True, blank=True, editable=False
    )
    image_renditions = models.JSONField(
        _("image renditions"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Resized copies made once at upload: width, height, format and file name."),
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    is_featured = models.BooleanField(
        _("featured on the home page"),
        default=False,
        help_text=_("Show this city on the home page."),
    )

    objects = CityQuerySet.as_manager()
    history = record_history(
        verbose_name=_("historical city"), verbose_name_plural=_("historical cities")
    )

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
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

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image: alt text is required when an image is set.")}
            )

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


class ProgrammeQuerySet(models.QuerySet):
    def with_city_counts(self):
        """Each programme with `designated_city_count`: cities whose standing is not revoked."""
        return self.annotate(
            designated_city_count=Count(
                "designations", filter=~Q(designations__status=Designation.Status.REVOKED)
            )
        )


class Programme(models.Model):
    name = models.CharField(
        _("name"), max_length=200, help_text=_("Official English name of the scheme.")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        help_text=_("Who runs it, e.g. China Association for Science and Technology."),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)],
        help_text=_("Leave empty for an open-ended programme."),
    )
    description = models.TextField(_("description"), blank=True)

    objects = ProgrammeQuerySet.as_manager()
    history = record_history(
        verbose_name=_("historical programme"), verbose_name_plural=_("historical programmes")
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
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


class DesignationQuerySet(models.QuerySet):
    def with_listing_data(self):
        """Programme, city and source article in one query, with `source_is_public` resolved."""
        return self.select_related("programme", "city", "source_article").annotate(
            source_is_public=source_is_public()
        )

    def newest_first(self):
        return self.order_by("-announced_on", "programme__name", "city__name")

    def filtered(self, *, programme=None, status=None, province=None, year=None):
        """Apply the designations list filters; each given filter narrows the result."""
        queryset = self
        if programme is not None:
            queryset = queryset.filter(programme=programme)
        if status:
            queryset = queryset.filter(status=status)
        if province:
            queryset = queryset.filter(city__province=province)
        if year:
            queryset = queryset.filter(announced_on__year=year)
        return queryset


class Designation(models.Model):
    """A city's standing in a programme; what the designations list (/announcements/) shows."""

    class Status(models.TextChoices):
        PILOT = "pilot", _("Pilot")
        APPROVED = "approved", _("Approved")
        DEMONSTRATION = "demonstration", _("Demonstration")
        REVOKED = "revoked", _("Revoked")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="designations",
        verbose_name=_("programme"),
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="designations", verbose_name=_("city")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPROVED
    )
    announced_on = models.DateField(
        _("announced on"),
        db_index=True,
        help_text=_("The date the programme's issuer announced this standing."),
    )
    source_article = models.ForeignKey(
        "Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("source article"),
        help_text=_("The article that reported the announcement."),
    )

    objects = DesignationQuerySet.as_manager()
    history = record_history(
        verbose_name=_("historical designation"),
        verbose_name_plural=_("historical designations"),
    )

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["-announced_on", "programme__name", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "city"], name="one_designation_per_programme_and_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} — {self.programme} ({self.get_status_display()})"
