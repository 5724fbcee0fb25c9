"""What each member of staff chooses for themselves: the admin's language and their e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class StaffProfileManager(models.Manager):
    def for_user(self, user):
        """The stored choices, or an unsaved profile with the defaults (no query is written)."""
        profile = self.filter(user=user).first() if user.pk else None
        return profile or self.model(user=user)


class StaffProfile(models.Model):
    """One row per member of staff who has chosen something; without one, the defaults apply
    (the browser's language, notifications on). Read it with `StaffProfile.objects.for_user()`
    and write it through `services.update_preferences()`."""

    class Language(models.TextChoices):
        BROWSER = "", _("As my browser asks")
        ENGLISH = "en", "English"
        CHINESE = "zh-hans", "简体中文"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        verbose_name=_("admin language"),
        max_length=16,
        choices=Language.choices,
        blank=True,
        default=Language.BROWSER,
        help_text=_("The language of the newsroom's screens and of the e-mail it sends you."),
    )
    email_notifications = models.BooleanField(
        verbose_name=_("e-mail me about my work"),
        default=True,
        help_text=_(
            "Mail when an article is submitted to you, returned, published, scheduled or "
            "withdrawn. Password reset mail is always sent."
        ),
    )

    objects = StaffProfileManager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return gettext("Preferences of %(person)s") % {"person": self.user}
