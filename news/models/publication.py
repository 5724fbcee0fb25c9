"""How far the public site has changed: one row that counts every change readers could see."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PublicationState(models.Model):
    """The site's content generation. Every service that changes what the public sees moves it
    on (news.caching.content_changed), and so does the arrival of a scheduled publish or expiry
    time (`next_boundary_at`), which no write announces. HTTP validators and cached fragments are
    keyed by it, so a change made through one app server is seen by every other."""

    generation = models.PositiveBigIntegerField(_("generation"), default=1)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    next_boundary_at = models.DateTimeField(
        _("next boundary at"),
        null=True,
        blank=True,
        help_text=_(
            "The next scheduled publish or expiry time, when the public site changes by itself."
        ),
    )

    class Meta:
        verbose_name = _("publication state")
        verbose_name_plural = _("publication states")

    def __str__(self) -> str:
        return gettext("Generation %(number)s (%(time)s)") % {
            "number": self.generation,
            "time": f"{self.changed_at:%Y-%m-%d %H:%M:%S}",
        }

    @property
    def token(self) -> str:
        """Names this generation uniquely, even after a restore brings back an older number."""
        return f"{self.generation}.{int(self.changed_at.timestamp() * 1_000_000):x}"
