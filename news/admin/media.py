"""The media library in the admin: the list of images with thumbnails, upload and edit, a
delete refused while articles show the image, and the picker the article screen opens in a
<dialog> (hero image and the editor's Image button) to choose or upload an image.

Every change goes through news.services.media; the forms only check the input (the upload's
checks are news.images.clean_upload's, so the file is re-encoded once).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from news import images, roles
from news.models import Article, Image
from news.services import media

#: Images per page in the library's picker.
PICKER_PAGE_SIZE = 24


def thumbnail_url(image: Image) -> str:
    """The smallest rendition (WebP where there is one; every browser the admin supports reads
    it), else the original."""
    small = image.rendition(kind="image/webp", smallest=True) or image.rendition(
        kind="image/jpeg", smallest=True
    )
    return default_storage.url(small["name"]) if small else image.file.url


def insert_url(image: Image) -> str:
    """The address the editor writes into the text: the middle JPEG rendition, else the
    original. The page prints the library's renditions for the id beside it."""
    middle = image.rendition(kind="image/jpeg")
    return default_storage.url(middle["name"]) if middle else image.file.url


class ImageUploadForm(forms.ModelForm):
    """A new library image: the file (checked like every upload) and its words."""

    tags = TagField(
        label=_("Image tags"),
        required=False,
        help_text=_("Comma-separated words to find the image by, e.g. aerial, Baotou."),
    )

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "caption", "credit", "focal_x", "focal_y", "tags"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "content_type"):
            return upload
        return images.clean_upload(upload)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in ("title", "alt_text", "caption", "credit", "focal_x", "focal_y", "tags")
        } | {"tags": data.get("tags") or []}


class ImageEditForm(ImageUploadForm):
    """An image's words, focal point and tags; the file stays (upload a new image instead)."""

    class Meta(ImageUploadForm.Meta):
        fields = ["title", "alt_text", "caption", "credit", "focal_x", "focal_y", "tags"]


class PickerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by title or tag"), required=False, max_length=100, strip=True
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The media library (Newsroom section): writers and editors upload and use images; who
    may change or delete them is news.roles' (may_edit_image, may_delete_images)."""

    list_display = ["thumbnail", "title", "tag_list", "size", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_select_related = ["uploaded_by"]
    search_fields = ["title", "tags__name"]
    list_per_page = 50
    readonly_fields = ["preview", "size", "uploaded_by", "uploaded_at", "used_by"]

    class Media:
        css = {"all": ["css/media-library.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageEditForm if obj is not None else ImageUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        words = ["title", "alt_text", "caption", "credit", "tags", "focal_x", "focal_y"]
        if obj is None:
            return ["file", *words]
        return ["preview", *words, "size", "uploaded_by", "uploaded_at", "used_by"]

    def get_search_results(self, request, queryset, search_term):
        # Title or tag, every word (ImageQuerySet.searched), without the duplicate rows a join
        # on tags would give.
        return queryset.searched(search_term), False

    # --- permissions (news.roles) --------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_edit_image(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.may_delete_images(request.user)

    # --- what the list and the form show -----------------------------------------------------

    @admin.display(description=_("image"))
    def thumbnail(self, image):
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="" width="96" height="{}">',
            thumbnail_url(image),
            round(96 * (image.height or 1) / (image.width or 1)),
        )

    @admin.display(description=_("preview"))
    def preview(self, image):
        return format_html(
            '<img class="library-preview" src="{}" alt="{}">', insert_url(image), image.alt_text
        )

    @admin.display(description=_("image tags"))
    def tag_list(self, image):
        return ", ".join(sorted(tag.name for tag in image.tags.all()))

    @admin.display(description=_("size"))
    def size(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

    @admin.display(description=_("used by"))
    def used_by(self, image):
        articles = list(Article.objects.showing_image(image).only("pk", "title"))
        if not articles:
            return gettext("No article shows this image.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:news_article_change", args=[article.pk]), article.title)
                    for article in articles
                ),
            ),
        )

    # --- writes: one service call each --------------------------------------------------------

    def save_form(self, request, form, change):
        """The service stores the image (with its renditions and tags); the admin's own
        save_model and save_related have nothing left to do."""
        try:
            if change:
                return media.edit_image(
                    image=form.instance, by=request.user, **form.service_arguments()
                )
            return media.upload_image(
                upload=form.cleaned_data["file"], by=request.user, **form.service_arguments()
            )
        except media.MediaError as error:
            raise PermissionDenied(error.message) from error

    def save_model(self, request, obj, form, change):
        """Nothing here: save_form stored the image through the service."""

    def save_related(self, request, form, formsets, change):
        """Nothing here: the service set the tags."""

    def delete_view(self, request, object_id, extra_context=None):
        """An image in use is not deleted: the page names the articles that show it, linked."""
        image = self.get_object(request, object_id)
        if image is not None and self.has_delete_permission(request, image):
            refusal = media.usage_refusal(image)
            if refusal is not None:
                context = {
                    **self.admin_site.each_context(request),
                    "title": gettext("Cannot delete “%(title)s”") % {"title": image.title},
                    "opts": self.opts,
                    "image": image,
                    "refusal": refusal.message,
                    "articles": list(Article.objects.showing_image(image).only("pk", "title")),
                }
                return TemplateResponse(
                    request, "admin/news/image/delete_refused.html", context, status=409
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        media.delete_image(image=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            try:
                media.delete_image(image=image, by=request.user)
            except media.MediaError as error:
                messages.error(request, error.message)

    # --- the picker ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "picker/",
                self.admin_site.admin_view(self.picker_view),
                name="news_image_picker",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """Library images to choose from (search by title or tag, paged), and an upload form
        with the same checks as the library's. `?panel=1` answers only the panel, for the
        <dialog> the article screen opens; without it, a whole admin page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        search = PickerSearchForm(request.GET)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        upload_form = ImageUploadForm(prefix="upload")
        uploaded = None
        status = 200
        if request.method == "POST":
            if not self.has_add_permission(request):
                raise PermissionDenied
            upload_form = ImageUploadForm(request.POST, request.FILES, prefix="upload")
            if upload_form.is_valid():
                uploaded = media.upload_image(
                    upload=upload_form.cleaned_data["file"],
                    by=request.user,
                    **upload_form.service_arguments(),
                )
                if not request.GET.get("panel"):
                    messages.success(request, gettext("The image is in the library."))
                    return HttpResponseRedirect(f"{request.path}?uploaded={uploaded.pk}")
                upload_form = ImageUploadForm(prefix="upload")
            else:
                status = 400
        elif (just_uploaded := request.GET.get("uploaded", "")).isdigit():
            uploaded = Image.objects.filter(pk=int(just_uploaded)).first()
        found = Image.objects.with_listing_data()
        if query:
            found = found.searched(query)
        page = Paginator(found, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Media library"),
            "opts": self.opts,
            "search": search,
            "query": query,
            "page": page,
            "choices": [
                {"image": image, "thumbnail": thumbnail_url(image), "src": insert_url(image)}
                for image in page.object_list
            ],
            "uploaded": uploaded,
            "uploaded_choice": uploaded
            and {
                "image": uploaded,
                "thumbnail": thumbnail_url(uploaded),
                "src": insert_url(uploaded),
            },
            "upload_form": upload_form,
            "may_upload": self.has_add_permission(request),
            "panel_only": bool(request.GET.get("panel")),
        }
        template = (
            "admin/news/image/_picker_panel.html"
            if context["panel_only"]
            else "admin/news/image/picker.html"
        )
        return TemplateResponse(request, template, context, status=status)


class HeroImageSelect(forms.Select):
    """The hero's choice: a plain <select> of library images (it works without JavaScript),
    the chosen image's thumbnail, and "Choose from library", which js/media-picker.js shows
    and opens as a <dialog>."""

    #: The wrapper around Django's own <select>, rendered by the project's template engine.
    wrapper_template = "admin/news/widgets/hero_image.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        image = getattr(value, "instance", None)
        if image is not None:
            option["attrs"]["data-thumbnail"] = thumbnail_url(image)
        return option

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        chosen = None
        for group in context["widget"]["optgroups"]:
            for option in group[1]:
                if option["selected"] and option["value"]:
                    chosen = option
        return render_to_string(
            self.wrapper_template,
            {
                "select": self._render(self.template_name, context, renderer),
                "chosen_thumbnail": chosen["attrs"].get("data-thumbnail") if chosen else None,
                "picker_url": reverse("admin:news_image_picker"),
            },
        )


class HeroImageField(forms.ModelChoiceField):
    def label_from_instance(self, image):
        return f"{image.title} ({image.width} × {image.height})" if image.width else image.title


def hero_image_field() -> HeroImageField:
    """The article form's hero: a library image, chosen in the picker or the plain list."""
    return HeroImageField(
        queryset=Image.objects.all(),
        required=False,
        label=_("Hero image"),
        widget=HeroImageSelect,
        help_text=_(
            "Choose from the media library. Its alt text, caption and credit are printed with "
            "it; change them in the library."
        ),
    )


class ArticleMediaAdminMixin:
    """What the article screen needs from the media library: the picker's script and the
    <dialog> it opens (templates/admin/news/article/_media_picker.html)."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/media-picker.js"], css={"all": ["css/media-library.css"]}
        )
