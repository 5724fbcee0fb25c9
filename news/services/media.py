"""The media library's writes: upload, edit an image's words and focal point, delete.

An upload reads top to bottom: check the file (news.images.clean_upload: a real JPEG, PNG or
WebP within the size and pixel limits, metadata stripped), store it, make its renditions and
share crop once, save the row with its tags. Every file is written and removed through the
default storage, so the same path works on a laptop's disk and in a bucket. A delete is refused
while an article shows the image (as hero or in its text), naming those articles.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext, ngettext

from news import images, roles
from news.caching import content_changed
from news.models import Article, Image

from .errors import NewsroomError

#: The fields `edit_image` may change: the words and the focal point, never the file.
EDITABLE_FIELDS = ("title", "alt_text", "caption", "credit", "focal_x", "focal_y")


class MediaError(NewsroomError):
    """A library change was refused: a file that is not a usable image, or an image in use."""


def upload_image(
    *,
    upload,
    by,
    title: str,
    alt_text: str,
    caption: str = "",
    credit: str = "",
    focal_x: float | None = None,
    focal_y: float | None = None,
    tags=(),
) -> Image:
    """Check `upload` and add it to the library; nothing is stored if the file is refused.
    An upload a form already checked (an images.CheckedImage) is not checked twice."""
    if by is not None and not roles.may_upload_images(by):  # None: the demo loader, imports
        raise MediaError(gettext("You do not have permission to add images to the library."))
    try:
        cleaned = upload if isinstance(upload, images.CheckedImage) else images.clean_upload(upload)
    except ValidationError as error:
        raise MediaError(error.messages[0], field="file") from error
    image = Image(
        title=title.strip() or cleaned.name,
        alt_text=alt_text.strip(),
        caption=caption,
        credit=credit,
        focal_x=focal_x,
        focal_y=focal_y,
        uploaded_by=by,
    )
    image.file.save(cleaned.name, cleaned, save=False)
    stored = [image.file.name]
    try:
        image.renditions, (image.width, image.height) = images.make_renditions(image.file.name)
        stored += [item["name"] for item in image.renditions]
        image.renditions.append(images.make_share_crop(image.file.name, image.focal_point))
        with transaction.atomic():
            image.save()
            image.tags.set(list(tags))
    except Exception:
        # Nothing half-made stays behind: the row was not saved, so its files go too.
        images.delete_files(None, [{"name": name} for name in stored])
        raise
    return image


@transaction.atomic
def edit_image(*, image: Image, by, **changes) -> Image:
    """Change an image's words, focal point or tags (`tags=[...]`); a moved focal point makes
    a new share crop (the old one goes once the change is committed)."""
    if not roles.may_edit_image(by, image):
        raise MediaError(gettext("You may change the images you uploaded; editors may change any."))
    image = Image.objects.select_for_update().get(pk=image.pk)
    tags = changes.pop("tags", None)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"edit_image() cannot change {', '.join(sorted(unknown))}")
    focal_before = image.focal_point
    for name, value in changes.items():
        setattr(image, name, value)
    if not image.alt_text.strip():
        raise MediaError(gettext("Describe the image: alt text is required."), field="alt_text")
    if image.focal_point != focal_before:
        old = [item for item in image.renditions if item.get("crop")]
        image.renditions = [item for item in image.renditions if not item.get("crop")]
        image.renditions.append(images.make_share_crop(image.file.name, image.focal_point))
        transaction.on_commit(lambda: images.delete_files(None, old))
    image.save()
    if tags is not None:
        image.tags.set(list(tags))
    content_changed()
    return image


def usage_refusal(image: Image) -> MediaError | None:
    """Why `image` cannot be deleted now, naming the articles that show it; None if unused."""
    titles = list(Article.objects.showing_image(image).values_list("title", flat=True)[:20])
    if not titles:
        return None
    return MediaError(
        ngettext(
            "This image is used by an article, so it cannot be deleted: %(titles)s. Choose "
            "another image there first.",
            "This image is used by %(count)s articles, so it cannot be deleted: %(titles)s. "
            "Choose other images there first.",
            len(titles),
        )
        % {"count": len(titles), "titles": "; ".join(f"“{title}”" for title in titles)}
    )


@transaction.atomic
def delete_image(*, image: Image, by) -> None:
    """Delete an unused image; its file and renditions go once the deletion is committed."""
    if not roles.may_delete_images(by):
        raise MediaError(gettext("Only editors may delete images from the library."))
    image = Image.objects.select_for_update().get(pk=image.pk)
    if refusal := usage_refusal(image):
        raise refusal
    name, renditions = image.file.name, list(image.renditions)
    try:
        image.delete()
    except ProtectedError as error:  # chosen as a hero between the check and the delete
        raise usage_refusal(image) from error
    transaction.on_commit(lambda: images.delete_files(name, renditions))
