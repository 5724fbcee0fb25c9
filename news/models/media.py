"""The media library: every image the site shows in an article (hero or text), with its
words (title, alt text, caption, credit), its tags and the renditions made once at upload.

Image tags are their own namespace (MediaTag), not the articles' Tag: they describe pictures
("aerial", "portrait", "Baotou skyline") for finding them again, they are not topics readers
browse, and writers must be free to add them without the right to create article tags.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

#: Where new library uploads are stored; images moved in from before the library keep theirs.
LIBRARY_FOLDER = "library/"

_FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class MediaTag(TagBase):
    class Meta:
        verbose_name = _("image tag")
        verbose_name_plural = _("image tags")


class TaggedImage(TaggedItemBase):
    content_object = models.ForeignKey("Image", on_delete=models.CASCADE)
    tag = models.ForeignKey(MediaTag, on_delete=models.CASCADE, related_name="tagged_images")

    class Meta:
        verbose_name = _("tagged image")
        verbose_name_plural = _("tagged images")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="image_tag_once")
        ]


class ImageQuerySet(models.QuerySet):
    def searched(self, query: str):
        """Images whose title, or one of whose tags, contains every word of `query`."""
        matched = self
        for word in query.split():
            ids = TaggedImage.objects.filter(tag__name__icontains=word).values("content_object")
            matched = matched.filter(Q(title__icontains=word) | Q(pk__in=ids))
        return matched

    def with_listing_data(self):
        """What a list of thumbnails shows (tags, who uploaded), in a fixed number of queries."""
        return self.select_related("uploaded_by").prefetch_related("tags")


class Image(models.Model):
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("For finding the image again in the library; readers do not see it."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it. Printed wherever it is."),
    )
    caption = models.CharField(
        _("caption"),
        max_length=300,
        blank=True,
        help_text=_("Printed under the image when it is an article's hero."),
    )
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("e.g. Photo: Xinhua.")
    )
    focal_x = models.FloatField(
        _("focal point across"),
        null=True,
        blank=True,
        validators=_FRACTION,
        help_text=_(
            "From 0 (left edge) to 1 (right edge): the part to keep when the image is cropped "
            "for link previews. Leave both empty for the centre."
        ),
    )
    focal_y = models.FloatField(
        _("focal point down"),
        null=True,
        blank=True,
        validators=_FRACTION,
        help_text=_("From 0 (top edge) to 1 (bottom edge)."),
    )
    tags = TaggableManager(
        verbose_name=_("image tags"),
        through=TaggedImage,
        blank=True,
        help_text=_("Comma-separated words to find the image by, e.g. aerial, Baotou."),
    )
    file = models.ImageField(
        _("file"),
        upload_to=LIBRARY_FOLDER,
        help_text=_(
            "A JPEG, PNG or WebP photo. Location and camera data are removed on upload, and "
            "resized copies are made once."
        ),
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    renditions = models.JSONField(
        _("renditions"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Resized copies made once at upload: width, height, format and file name."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_images",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("media library")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__isnull=True, focal_y__isnull=True)
                | Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if (self.focal_x is None) != (self.focal_y is None):
            raise ValidationError(
                _("Give the focal point both across and down, or leave both empty.")
            )

    @property
    def focal_point(self) -> tuple[float, float]:
        """Where to centre a crop: the chosen point, else the middle."""
        if self.focal_x is None or self.focal_y is None:
            return (0.5, 0.5)
        return (self.focal_x, self.focal_y)

    def rendition(self, *, kind: str, smallest: bool = False) -> dict | None:
        """A stored rendition of this MIME type (e.g. "image/jpeg"), the middle one or the
        smallest; share crops are not among them."""
        items = sorted(
            (r for r in self.renditions or [] if r["type"] == kind and not r.get("crop")),
            key=lambda r: r["width"],
        )
        if not items:
            return None
        return items[0] if smallest else items[len(items) // 2]

    @property
    def share_crop(self) -> dict | None:
        """The link-preview copy, cropped around the focal point at upload."""
        return next((r for r in self.renditions or [] if r.get("crop") == "share"), None)
