"""The newsroom's admin site: Django's admin with a start page of work per role (dashboard),
navigation by the newsroom's parts (sections), and each person's preferences.

It is the default `admin.site` (cityinno/apps.py), so every `@admin.register` lands here. The
look is Django's own admin with the stylesheet static/css/newsroom-admin.css and the templates
under templates/admin/ (base_site.html is the top bar); no script beyond Django's own.
"""

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import dashboard, preferences, sections
from .deletion import LinkRowsHiddenMixin


class NewsroomAdminSite(admin.AdminSite):
    site_header = format_lazy(_("{site} newsroom"), site=settings.SITE_NAME)
    site_title = format_lazy(_("{site} admin"), site=settings.SITE_NAME)
    index_title = _("Your desk")
    index_template = "admin/newsroom/dashboard.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, ours and the libraries', with the delete confirmation that leaves
        out link rows (news/admin/deletion.py)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, LinkRowsHiddenMixin):
            admin_class = type(admin_class.__name__, (LinkRowsHiddenMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        view = self.admin_view
        return [
            path(
                "preferences/",
                view(preferences.preferences_view),
                {"admin_site": self},
                name="preferences",
            ),
            path(
                "preferences/language/",
                view(preferences.language_switch_view),
                {"admin_site": self},
                name="language",
            ),
            path("section/<slug:key>/", view(self.section_view), name="section"),
            *super().get_urls(),
        ]

    def each_context(self, request):
        context = super().each_context(request)
        # "View site" opens the public site in the admin's language (/zh-hans/ for Chinese).
        context["site_url"] = reverse("news:home")
        context["other_languages"] = [
            (code, name)
            for code, name in settings.LANGUAGES
            if code != getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        ]
        return context

    def get_app_list(self, request, app_label=None):
        """The models the user may see, by the newsroom's parts (news/admin/sections.py)."""
        return sections.grouped(self._build_app_dict(request, app_label), self.name)

    def index(self, request, extra_context=None):
        """The start page: the panels of the user's roles (news/admin/dashboard.py)."""
        role_names = dashboard.roles_of(request.user)
        context = {
            "panels": dashboard.panels_for(request, role_names),
            "roles": [dashboard.ROLE_NAMES[role] for role in role_names],
            "may_add_article": request.user.has_perm("news.add_article"),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def section_view(self, request, key):
        """One part of the newsroom and its lists, like Django's page of an app's models."""
        found = [section for section in self.get_app_list(request) if section["app_label"] == key]
        if not found:
            raise Http404("No such section.")
        context = {
            **self.each_context(request),
            "title": found[0]["name"],
            "subtitle": None,
            "app_list": found,
            "app_label": key,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", context)
