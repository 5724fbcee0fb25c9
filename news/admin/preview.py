"""Preview from the edit page: the form as it is now, unsaved, drawn with the public article
template; and "View on site" for an article the public cannot see yet, which opens the staff
preview of the saved article instead of a public 404.

The unsaved preview is the one admin answer that may be framed, by this site only, so the edit
page can show it beside the form (django-csp's per-view decorator and SAMEORIGIN here; every
other page stays `frame-ancestors 'none'` and DENY).
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.text import capfirst, slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin
from taggit.models import Tag

from news.views.articles import preview_response, unsaved_preview


def preview_tags(tags) -> list[Tag]:
    """The form's tags for the page: existing ones as they are, new names as unsaved tags."""
    return [
        tag if isinstance(tag, Tag) else Tag(name=tag, slug=slugify(tag, allow_unicode=True) or "-")
        for tag in tags
    ]


class ArticlePreviewAdminMixin:
    """Adds the preview of unsaved changes and a "View on site" that never leads to a 404."""

    def get_urls(self):
        view = self.admin_site.admin_view
        framable = csp_replace({"frame-ancestors": [SELF]})(
            xframe_options_sameorigin(self.unsaved_preview_view)
        )
        return [
            path("<int:pk>/preview/", view(framable), name="news_article_unsaved_preview"),
            *super().get_urls(),
        ]

    def view_on_site(self, obj):
        """The public page when readers can see it; the staff preview otherwise (a draft, an
        article in review, scheduled, expired, archived or withdrawn)."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("news:article-preview", args=[obj.pk])

    def unsaved_preview_view(self, request, pk):
        """POST the edit form here: its values shown as the public page, nothing saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, str(pk))
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        # Uploaded files are not previewed: the stored hero stays (nothing is written).
        form = self.get_form(request, article, change=True)(request.POST, instance=article)
        if not form.is_valid():
            errors = [
                (capfirst(form.fields[name].label) if name in form.fields else "", messages)
                for name, messages in form.errors.items()
            ]
            return preview_response(
                request,
                "admin/news/article/preview_errors.html",
                {"article": article, "errors": errors},
                status=400,
            )
        data = form.cleaned_data
        saved = {
            "cities": lambda: article.cities.all(),
            "programmes": lambda: article.programmes.all(),
            "tags": lambda: article.tags.all(),
        }
        chosen = {name: data[name] if name in data else read() for name, read in saved.items()}
        return unsaved_preview(
            request,
            form.instance,
            cities=sorted(chosen["cities"], key=lambda city: city.name),
            programmes=sorted(chosen["programmes"], key=lambda programme: programme.name),
            tags=preview_tags(chosen["tags"]),
        )
