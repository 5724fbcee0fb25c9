"""Autosaved work: each writer's unsaved copy of an article's edit form.

A copy is never a revision and is never published: it only keeps what was typed in the edit
page until the writer saves the article (which deletes their copy) or discards it. Only saved
articles have copies; a new article is autosaved once it has been saved the first time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .articles import Article


class DraftCopy(models.Model):
    """One per writer and article. Written and removed by news.services.drafts only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="draft_copies",
        verbose_name=_("writer"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="draft_copies",
        verbose_name=_("article"),
    )
    data = models.JSONField(
        _("form data"),
        default=dict,
        help_text=_("The edit form's fields as typed: each name with its list of values."),
    )
    opened_version = models.PositiveIntegerField(
        _("opened at version"),
        help_text=_(
            "The article's version when the form was opened; an older one than the article "
            "has now marks the copy as stale."
        ),
    )
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("unsaved copy")
        verbose_name_plural = _("unsaved copies")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_draft_copy_per_writer"),
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.user})"

    @property
    def is_stale(self) -> bool:
        """The article was saved after this copy's form was opened: restoring it must go
        through the edit conflict check, never over the newer save."""
        return self.opened_version < self.article.version
