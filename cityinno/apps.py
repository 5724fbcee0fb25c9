"""The project's own app configuration: Django's admin, with the newsroom's site as its default."""

from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's documented way to replace `admin.site`: every `@admin.register` and every
    `admin.site` reference gets the newsroom's site (news/admin/site.py)."""

    default_site = "news.admin.site.NewsroomAdminSite"

    def ready(self):
        # The site's module lives in news.admin, whose __init__ registers the newsroom's
        # admins. Imported first, those registrations are what builds the one site; built by
        # another app's admin instead, the site would be made twice (once inside the import of
        # its own package) and the newsroom's registrations left on the copy thrown away.
        import news.admin  # noqa: F401

        super().ready()
