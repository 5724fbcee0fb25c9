"""The article edit form: the rich-text body, tags (picked, or new for those allowed to create
them), and the questions an edit service asks (the version the form opened, the kind of change).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from taggit.models import Tag

from news import services
from news.models import Article

from .media import hero_image_field

#: What the rich-text editor offers; the model's sanitiser (news/sanitise.py) decides what is kept.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    "HorizontalRule": True,
    # The Image button: images from the media library (static/js/article-editor.js, registered
    # in settings' DJANGO_PROSE_EDITOR_EXTENSIONS); only they survive the sanitiser.
    "LibraryImage": True,
}


class ArticleAdminForm(forms.ModelForm):
    """Tags picked with the admin's autocomplete, plus a box for tags that do not exist yet (only
    for people with taggit's add_tag permission), and the questions an edit service asks: the
    version the form opened, and the kind of change.

    A refusal from the service (`refusal`) is shown as this form's error, with the text kept.
    """

    new_tags = forms.CharField(
        required=False,
        label=_("New tags"),
        help_text=_(
            "Comma-separated tags to create and add, e.g. innovation, talent. "
            "Creating a tag needs the right to add tags; anyone may pick existing ones above."
        ),
    )

    source_url = forms.URLField(label=_("Source URL"), required=False, assume_scheme="https")
    body = ProseEditorFormField(
        label=_("Body"),
        required=False,
        extensions=BODY_EDITOR_EXTENSIONS,
        widget=widgets.AdminTextareaWidget,
        help_text=_("The article text. Scripts, styles and unsafe links are removed on save."),
    )
    hero = hero_image_field()
    opened_version = forms.IntegerField(
        label=_("Opened version"), required=False, widget=forms.HiddenInput
    )
    change_kind = forms.ChoiceField(
        label=_("What kind of change is this?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("minor", _("Minor: a typo or formatting; readers are not told, the date stays")),
            ("major", _("Major: readers should know; needs a change note and moves “Updated”")),
        ],
        help_text=_("Asked for every change to a published article."),
    )
    change_note = forms.CharField(
        label=_("Public change note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For a major change: one sentence readers will see, e.g. “Corrected the number of "
            "experts.”"
        ),
    )

    class Meta:
        model = Article
        fields = [
            "title", "slug", "kind", "summary", "body", "published_at", "updated_on",
            "expires_at", "is_featured", "author", "byline", "source_name", "source_url",
            "hero", "cities", "programmes",
            "seo_title", "seo_description",
        ]  # fmt: skip

    #: Whether "New tags" may create tags: taggit's add_tag permission (set by the admin).
    may_create_tags = False

    def __init__(self, *args, refusal: services.NewsroomError | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
            label=Article._meta.get_field("tags").verbose_name,
            help_text=_("Start typing to find existing tags."),
        )
        for field in self.fields.values():
            if isinstance(field.widget, widgets.AdminSplitDateTime):
                # Django writes "Date:" and "Time:" as plain text, which names neither box.
                parts = [gettext("Date"), gettext("Time")]
                for box, part in zip(field.widget.widgets, parts, strict=True):
                    box.attrs.setdefault("aria-label", f"{capfirst(field.label)}: {part}")
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())
            self.initial["opened_version"] = self.instance.version
        if isinstance(refusal, services.EditConflict):
            # Keep everything typed, but carry the newer version so a deliberate second save
            # (after comparing and merging) goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = str(refusal.current_version)

    def clean_new_tags(self):
        names = [name.strip() for name in self.cleaned_data["new_tags"].split(",") if name.strip()]
        limit = Tag._meta.get_field("name").max_length
        if too_long := [name for name in names if len(name) > limit]:
            raise forms.ValidationError(
                gettext("A tag has at most %(limit)s characters: %(tag)s.")
                % {"limit": limit, "tag": too_long[0]}
            )
        existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [name for name in names if name not in existing]
        if unknown and not self.may_create_tags:
            raise forms.ValidationError(
                gettext(
                    "You may pick existing tags but not create new ones: %(tags)s. "
                    "Ask an editor to create them, or choose existing tags instead."
                )
                % {"tags": ", ".join(unknown)},
                code="permission",
            )
        return names

    def clean(self):
        cleaned = super().clean()
        cleaned["tags"] = [*cleaned.get("tags", []), *cleaned.get("new_tags", [])]
        if self.refusal is not None:
            field = self.refusal.field if self.refusal.field in self.fields else None
            self.add_error(field, forms.ValidationError(self.refusal.message, code="refused"))
        return cleaned

    def service_arguments(self) -> dict:
        """What the article services take from this form, besides the article itself."""
        data = self.cleaned_data
        return {
            name: data[name] for name in ("cities", "programmes", "tags") if name in self.fields
        }
