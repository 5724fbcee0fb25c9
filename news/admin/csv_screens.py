"""Admin CSV import (upload → preview → confirm) and export for cities and metric values.

The uploaded file is kept in the private "imports" storage (settings.STORAGES: a folder outside
MEDIA_ROOT, or a private prefix of the bucket) between the preview and the confirmation, so any
app server behind a load balancer can finish an import another one previewed, and no public
address ever serves it. Confirming checks the file again against the database as it is then,
and writes all of it or nothing. The file's own name is kept in the session between the two
steps, for the import's record (CsvImport, listed read-only under "CSV imports").
"""

import re
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news.models import CsvImport

#: How many rows of each kind the preview lists (the counts always cover the whole file).
PREVIEW_ROWS = 100
#: The largest file the admin accepts; bigger files go through the management command.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header row (a byte-order mark is fine)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext(
                    "The file is larger than 20 MB: import it with the management command instead."
                )
            )
        return upload


class CsvAdminMixin:
    """Adds Import CSV and Export CSV to a ModelAdmin's change list."""

    change_list_template = "admin/news/csv_change_list.html"
    #: news.csv_io functions, set by the ModelAdmin.
    csv_importer = None
    csv_exporter = None
    csv_columns: list[str] = []
    csv_filename = "export.csv"

    actions = ["export_selected_csv"]

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return self.csv_response(type(self).csv_exporter(queryset))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.csv_import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.csv_export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def csv_export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.csv_response(type(self).csv_exporter())

    def csv_response(self, text: str) -> HttpResponse:
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response

    def _stored_name(self, token: str) -> str:
        return f"{self.opts.model_name}-{token}.csv"

    @staticmethod
    def _file_name_key(token: str) -> str:
        return f"csv-import-file-name-{token}"

    def csv_import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        importer = type(self).csv_importer
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import %(kind)s from CSV") % {"kind": self.opts.verbose_name_plural},
            "columns": self.csv_columns,
            "preview_rows": PREVIEW_ROWS,
        }
        form = CsvUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            token = request.POST.get("token", "")
            name = self._stored_name(token)
            pending = storages["imports"]
            if not TOKEN.match(token) or not pending.exists(name):
                messages.error(
                    request,
                    gettext("That import has expired or is unknown: upload the file again."),
                )
                return redirect(request.path)
            with pending.open(name, "rb") as stored:
                data = stored.read()
            file_name = request.session.get(self._file_name_key(token), "")
            result = importer(data=data, by=request.user, file_name=file_name)
            if result.ok:
                pending.delete(name)
                request.session.pop(self._file_name_key(token), None)
                messages.success(
                    request,
                    format_html(
                        gettext(
                            'Import finished: {summary} <a href="{url}">The import’s record</a> lists it.'
                        ),
                        summary=result.summary(),
                        url=reverse("admin:news_csvimport_change", args=[result.record.pk]),
                    ),
                )
                return redirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                )
            context.update(result=result, token=token, form=form)
            return TemplateResponse(request, "admin/news/csv_import.html", context, status=400)
        if request.method == "POST":
            form = CsvUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                result = importer(data=data, dry_run=True, by=request.user)
                token = ""
                if result.ok:
                    token = secrets.token_hex(16)
                    storages["imports"].save(self._stored_name(token), ContentFile(data))
                    request.session[self._file_name_key(token)] = upload.name
                context.update(result=result, token=token)
        context["form"] = form
        return TemplateResponse(request, "admin/news/csv_import.html", context)


@admin.register(CsvImport)
class CsvImportAdmin(admin.ModelAdmin):
    """Every written import, read-only: what the records' history rows point at."""

    list_display = ["at", "kind", "file_name", "by", "rows", "created", "changed", "unchanged"]
    list_filter = ["kind"]
    list_select_related = ["by"]
    search_fields = ["file_name"]
    date_hierarchy = "at"
    fields = ["kind", "file_name", "by", "at", "rows", "created", "changed", "unchanged"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
