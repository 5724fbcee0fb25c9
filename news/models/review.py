"""Review comments: a flat thread on an article between its writer and its editors."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .articles import Article

#: The longest comment, in characters: short enough to read in the thread and quoted whole on
#: the article's audit trail (ArticleEvent.note holds 500).
COMMENT_MAX_CHARACTERS = 500


class ReviewCommentQuerySet(models.QuerySet):
    def thread(self):
        """Oldest first, with the people named, as the edit page shows them."""
        return self.select_related("author", "resolved_by").order_by("created_at", "pk")

    def open(self):
        return self.filter(resolved_at__isnull=True)


class ReviewComment(models.Model):
    """One remark in an article's review thread. Written and resolved through
    news/services/review.py; kept when a revision is restored (it is not part of a revision)
    and deleted only with its article."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="review_comments",
        verbose_name=_("article"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
        help_text=_("Who wrote the comment (empty once their account is deleted)."),
    )
    text = models.TextField(
        _("comment"),
        max_length=COMMENT_MAX_CHARACTERS,
        help_text=_("Plain text, at most 500 characters."),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    resolved_at = models.DateTimeField(
        _("resolved at"), null=True, blank=True, help_text=_("Empty while the comment is open.")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return gettext("Comment by %(person)s at %(time)s") % {
            "person": self.author,
            "time": f"{self.created_at:%Y-%m-%d %H:%M}",
        }

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
