"""Who hears about a workflow step and what they read: each step that tells someone calls
`queue_notifications()` itself, in its own transaction (no signals), and delivery follows once
that transaction commits.

The mail is rows of `OutgoingMail`, written with the step: a step that rolls back mails nothing,
and one that commits cannot lose its mail, whatever the mail server does. Each row is rendered
at once, in its recipient's language, so a retry days later says what the step said then.

Who is told, and who never is:

- submitted: everyone who may publish (editors, superusers: the `news.publish_article`
  permission, as `may_publish()` asks it); returned, published or scheduled, withdrawn: the
  article's author.
- Never the person who took the step: they know. Nor anyone inactive, without staff status (the
  mail's links lead into the newsroom) or without an address, nor anyone who turned
  notifications off (`StaffProfile.email_notifications`).
- One mail per person per step. An author who is also an editor hears about their own article
  as its author (returned, published, withdrawn) and, like every editor, about submissions they
  did not make themselves; two accounts sharing an address get one mail.
- commented (a review comment, news/services/review.py): the other side of the review. A
  comment by someone other than the article's author goes to the author; the author's own
  comment goes to the others who have commented on the article, or, if nobody has yet, to
  everyone who may publish (as a submission does). A note given when returning a draft is
  mailed as the return, not as a comment.
- Unpublishing and archiving tell nobody: they are an editor's housekeeping, and the writer's
  next look at the article shows them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from news.models import Article, OutgoingMail, StaffProfile

from .delivery import send_soon

Kind = OutgoingMail.Kind

#: The permission whose holders review submissions (the same one `may_publish()` checks).
PUBLISH_PERMISSION = "news.publish_article"
#: The backend that knows who holds a permission; django-axes' backend only guards sign-ins.
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
#: The zone `TIME_ZONE` defaults to, which readers know by this name.
CHINA_STANDARD_TIME = "Asia/Shanghai"


def queue_notifications(*, article: Article, action: str, by, note: str = "") -> list[OutgoingMail]:
    """Queue the mail that `action` (an ArticleEvent.Action of a step that tells someone) owes
    its recipients, and send it once the caller's transaction commits. Call it after the step
    has saved, inside the step's transaction; it returns the queued rows."""
    kind = Kind(action)
    queued = [
        OutgoingMail(
            kind=kind,
            recipient=person,
            to_address=person.email,
            language=language,
            article=article,
            **_render(kind, article=article, by=by, note=note, person=person, language=language),
        )
        for person, language in recipients(kind, article=article, by=by)
    ]
    if queued:
        OutgoingMail.objects.bulk_create(queued)
        ids = [mail.pk for mail in queued]
        transaction.on_commit(lambda: send_soon(ids), robust=True)
    return queued


def _publishers():
    return (
        get_user_model()
        .objects.with_perm(PUBLISH_PERMISSION, is_active=True, backend=PERMISSION_BACKEND)
        .order_by("pk")
    )


def recipients(kind: str, *, article: Article, by) -> list[tuple]:
    """The people to tell about `kind`, each with the language to write to them in."""
    if kind == Kind.SUBMITTED:
        people = _publishers()
    elif kind == Kind.COMMENTED and article.author_id == getattr(by, "pk", None):
        others = article.review_comments.exclude(author=article.author_id).values("author")
        people = get_user_model().objects.filter(pk__in=others).order_by("pk") or _publishers()
    else:
        people = [article.author] if article.author_id else []
    chosen, addresses = [], set()
    for person in people:
        address = person.email.strip().lower()
        if (
            person.pk == getattr(by, "pk", None)
            or not (person.is_active and person.is_staff and address)
            or address in addresses
        ):
            continue
        profile = StaffProfile.objects.for_user(person)
        if not profile.email_notifications:
            continue
        addresses.add(address)
        chosen.append((person, profile.language or settings.LANGUAGE_CODE))
    return chosen


# --- what the mail says ---------------------------------------------------------------------


def _subject(kind: str) -> str:
    return {
        Kind.SUBMITTED: _("For review: %(title)s"),
        Kind.RETURNED: _("Returned to you: %(title)s"),
        Kind.PUBLISHED: _("Published: %(title)s"),
        Kind.SCHEDULED: _("Scheduled: %(title)s"),
        Kind.WITHDRAWN: _("Withdrawn: %(title)s"),
        Kind.COMMENTED: _("New comment: %(title)s"),
    }[kind]


def _lead(kind: str) -> str:
    return {
        Kind.SUBMITTED: _("%(actor)s submitted “%(title)s” for review."),
        Kind.RETURNED: _("%(actor)s returned your article “%(title)s” to you as a draft."),
        Kind.PUBLISHED: _("%(actor)s published your article “%(title)s”. It is on the site now."),
        Kind.SCHEDULED: _(
            "%(actor)s scheduled your article “%(title)s”: it goes public at %(time)s (%(zone)s)."
        ),
        Kind.WITHDRAWN: _(
            "%(actor)s withdrew your article “%(title)s”. It stays at its address with a notice "
            "and has left the site's lists, feeds and search."
        ),
        Kind.COMMENTED: _("%(actor)s commented on “%(title)s”."),
    }[kind]


def _note_label(kind: str) -> str:
    return {
        Kind.RETURNED: _("Their note:"),
        Kind.WITHDRAWN: _("The reason readers see:"),
        Kind.COMMENTED: _("Their comment:"),
    }.get(kind, "")


def _public_link_label(kind: str) -> str:
    return {
        Kind.PUBLISHED: _("Read it on the site:"),
        Kind.SCHEDULED: _("Its address on the site, from then:"),
        Kind.WITHDRAWN: _("Its page, with the notice:"),
    }.get(kind, "")


def _name(user) -> str:
    return user.get_full_name().strip() or user.get_username()


def _zone_name() -> str:
    if settings.TIME_ZONE == CHINA_STANDARD_TIME:
        return _("China Standard Time")
    return settings.TIME_ZONE


def _render(kind: str, *, article: Article, by, note: str, person, language: str) -> dict:
    """Subject and body, written in `language` with absolute links (SITE_URL)."""
    site = settings.SITE_URL
    with translation.override(language):
        values = {
            "actor": _name(by),
            "title": article.title,
            "time": f"{timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"
            if article.published_at
            else "",
            "zone": _zone_name(),
        }
        paragraphs = [_("Hello %(name)s,") % {"name": _name(person)}, _lead(kind) % values]
        if note.strip() and _note_label(kind):
            paragraphs.append(f"{_note_label(kind)}\n{note.strip()}")
        edit_url = reverse("admin:news_article_change", args=[article.pk])
        open_label = _("Open it in the newsroom:")
        paragraphs.append(f"{open_label}\n{site}{edit_url}")
        if _public_link_label(kind):
            paragraphs.append(f"{_public_link_label(kind)}\n{site}{article.get_absolute_url()}")
        paragraphs.append(
            "-- \n"
            + _(
                "%(site)s sends this to staff about their work. To stop it, turn e-mail off in "
                "your preferences in the newsroom: %(url)s"
            )
            % {"site": settings.SITE_NAME, "url": f"{site}{reverse('admin:preferences')}"}
        )
        subject = _subject(kind) % values
    # A title is one line on every screen, but a header must never be given a line break.
    subject = " ".join(subject.split())
    max_subject = OutgoingMail._meta.get_field("subject").max_length
    if len(subject) > max_subject:
        subject = subject[: max_subject - 1] + "…"
    return {"subject": subject, "body": "\n\n".join(paragraphs) + "\n"}
