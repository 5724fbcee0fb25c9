"""Autosave on the article edit page: the copy endpoint the page's script calls, the offer to
restore (or discard) a copy when the writer comes back, and a restore that works without script.

The endpoint answers JSON only, also when the session has expired (401, so the page can say so
and keep the text), and writes through news.services.drafts; it never saves the article.
"""

import json

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from news import services
from news.models import Article, DraftCopy
from news.sanitise import sanitise_html

SKIPPED = {"csrfmiddlewaretoken"}


def form_data(data: dict) -> dict[str, list[str]]:
    """The article form's own fields from a copy of the whole page's form: without the CSRF
    token, the buttons (`_save` …) and the inline rows (`figures-0-value` …: images for the
    text and figures are saved rows, not typed text)."""
    return {
        name: values
        for name, values in data.items()
        if name not in SKIPPED and not name.startswith("_") and "-" not in name
    }


def as_query_dict(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    return query


class DraftCopyAdminMixin:
    """Adds the autosave endpoint, restore and discard to the article admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/copy/",
                never_cache(csrf_protect(self.draft_copy_view)),
                name="news_article_draft_copy",
            ),
            path(
                "<int:pk>/copy/restore/",
                view(self.restore_draft_copy_view),
                name="news_article_draft_restore",
            ),
            path(
                "<int:pk>/copy/discard/",
                view(self.discard_draft_copy_view),
                name="news_article_draft_discard",
            ),
            *super().get_urls(),
        ]

    # --- the endpoint -----------------------------------------------------------------------

    def draft_copy_view(self, request, pk):
        """POST {"data": {name: [values]}}: keep it as the signed-in writer's copy."""
        if not (request.user.is_active and request.user.is_staff):
            return JsonResponse(
                {
                    "error": "signed-out",
                    "message": gettext("You were signed out. Sign in again to keep saving."),
                },
                status=401,
            )
        if request.method != "POST":
            return JsonResponse({"error": "method", "message": "Use POST."}, status=405)
        article = self.get_object(request, str(pk))
        if article is None:
            return JsonResponse(
                {"error": "not-found", "message": gettext("No such article.")}, status=404
            )
        if not self.has_change_permission(request, article):
            return JsonResponse(
                {
                    "error": "forbidden",
                    "message": gettext("You do not have permission to change this article."),
                },
                status=403,
            )
        try:
            payload = json.loads(request.body)
            data = form_data(payload["data"])
            opened_version = int(data["opened_version"][0])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return JsonResponse(
                {
                    "error": "bad-request",
                    "message": gettext(
                        'Send JSON: {"data": {field: [values]}} with the form\'s opened_version.'
                    ),
                },
                status=400,
            )
        try:
            copy = services.keep_draft_copy(
                article=article, by=request.user, data=data, opened_version=opened_version
            )
        except services.DraftCopyError as error:
            return JsonResponse({"error": "refused", "message": error.message}, status=400)
        return JsonResponse(
            {
                "saved_at": copy.saved_at.isoformat(),
                "saved_at_display": f"{timezone.localtime(copy.saved_at):%H:%M:%S}",
                "stale": copy.is_stale,
            }
        )

    # --- coming back to the page ------------------------------------------------------------

    def _own_copy(self, request, article: Article) -> DraftCopy | None:
        copy = DraftCopy.objects.filter(article=article, user=request.user).first()
        if copy is not None:
            copy.article = article  # is_stale compares with the article as loaded
        return copy

    def copy_differs(self, request, article: Article, copy: DraftCopy) -> bool:
        """Whether restoring `copy` would change the form: compared field by field with the
        saved article, the body as the sanitiser would store it."""
        form = self.get_form(request, article, change=True)(
            data=as_query_dict(copy.data), instance=article
        )
        changed = set(form.changed_data) - {"opened_version", "body"}
        if changed:
            return True
        typed = copy.data.get("body", [None])[0]
        return typed is not None and sanitise_html(typed) != sanitise_html(article.body)

    def draft_copy_context(self, request, article: Article) -> dict:
        """What the edit page needs to offer the writer's copy back (or nothing)."""
        restoring = getattr(request, "draft_copy_restoring", None)
        if restoring is not None:
            return {"draft_copy_restored": restoring}
        copy = self._own_copy(request, article)
        if copy is None or not self.copy_differs(request, article, copy):
            return {}
        return {"draft_copy": copy}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id) if request.method == "GET" else None
        if article is not None and self.has_change_permission(request, article):
            extra_context.update(self.draft_copy_context(request, article))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """While restoring without script, the form is drawn bound to the copy's data."""
        form_class = super().get_form(request, obj, change, **kwargs)
        restoring = getattr(request, "draft_copy_restoring", None)
        if restoring is None:
            return form_class

        class RestoringForm(form_class):
            def __init__(self, *args, **form_kwargs):
                if not args and form_kwargs.get("data") is None:
                    form_kwargs["data"] = as_query_dict(restoring.data)
                super().__init__(*args, **form_kwargs)

        return RestoringForm

    def restore_draft_copy_view(self, request, pk):
        """The edit page filled with the writer's copy (for pages without script); saving it
        goes through the same edit service, its conflict check included."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        article = self.get_object(request, str(pk))
        if article is None or not self.has_change_permission(request, article):
            raise Http404("No such article.")
        copy = self._own_copy(request, article)
        if copy is None:
            messages.info(request, gettext("There is no unsaved copy of this article to restore."))
            return redirect("admin:news_article_change", article.pk)
        request.draft_copy_restoring = copy
        change_url = reverse("admin:news_article_change", args=[article.pk])
        return self.change_view(request, str(article.pk), form_url=change_url)

    def discard_draft_copy_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, str(pk))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise Http404("No such article.")
        if services.discard_draft_copy(article=article, by=request.user):
            messages.success(request, gettext("Your unsaved copy was discarded."))
        return redirect("admin:news_article_change", article.pk)
