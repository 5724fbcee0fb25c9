"""Uploaded images (the media library's and city images): check uploads are real, safe-sized
photos, strip their metadata, make renditions, and print them as responsive markup.

Renditions are made once, at upload, and listed on the row (`Image.renditions`,
`City.image_renditions`), so pages only print `srcset` from stored names and never touch Pillow
on a request. Every file is read and written through the default storage by name, never by path, so
the same code works on a laptop's disk and in an S3 bucket.
"""

import io
import re
from pathlib import PurePosixPath
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = (("WEBP", "webp", "image/webp"), ("JPEG", "jpg", "image/jpeg"))


def max_upload_bytes() -> int:
    return getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", 40_000_000)


class CheckedImage(ContentFile):
    """An upload that passed clean_upload: re-encoded, metadata stripped, within the limits.
    Services take it as it is, so a form that checked the file does not re-encode it twice."""


def clean_upload(upload) -> CheckedImage:
    """Return the upload re-encoded without EXIF/GPS data, or raise a ValidationError.

    The format is read from the file's content by Pillow, never from its name; the pixel
    count is read from the header before any decoding, so a decompression bomb is refused
    without being unpacked.
    """
    if upload.size > max_upload_bytes():
        raise ValidationError(
            gettext(
                "The file is %(size)s MB; the limit is %(limit)s MB. Save a smaller version and "
                "try again."
            )
            % {
                "size": f"{upload.size / 1_048_576:.1f}",
                "limit": f"{max_upload_bytes() / 1_048_576:.0f}",
            },
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            gettext("This file is not a JPEG, PNG or WebP image (whatever its name says)."),
            code="not_an_image",
        ) from error
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            gettext("%(format)s images are not accepted; upload a JPEG, PNG or WebP.")
            % {"format": image_format},
            code="wrong_format",
        )
    if width * height > max_pixels():
        raise ValidationError(
            gettext(
                "The image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels."
            )
            % {"width": width, "height": height, "limit": f"{max_pixels() / 1_000_000:.0f}"},
            code="too_many_pixels",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            cleaned = ImageOps.exif_transpose(image)
            buffer = io.BytesIO()
            save_options = {"quality": 88} if image_format in {"JPEG", "WEBP"} else {}
            if image_format == "JPEG" and cleaned.mode not in {"RGB", "L"}:
                cleaned = cleaned.convert("RGB")
            # Saving without `exif=` (and with a fresh image) drops EXIF, GPS and XMP data.
            cleaned = _without_metadata(cleaned)
            cleaned.save(buffer, image_format, **save_options)
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            gettext("This image is damaged and cannot be read."), code="damaged"
        ) from error
    stem = PurePosixPath(upload.name or "image").stem[:80] or "image"
    return CheckedImage(buffer.getvalue(), name=f"{stem}.{ACCEPTED_FORMATS[image_format]}")


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy that carries pixels (and PNG transparency) but no EXIF, GPS, XMP or comments."""
    fresh = image.copy()
    fresh.info = {key: value for key, value in image.info.items() if key == "transparency"}
    return fresh


def make_renditions(name: str) -> tuple[list[dict], tuple[int, int]]:
    """Resized WebP and JPEG copies of a stored image, no wider than the original.

    Returns the renditions and the original's (width, height).
    """
    renditions = []
    with default_storage.open(name) as stored, Image.open(stored) as image:
        image.load()
        size = image.size
        stem = PurePosixPath(name)
        folder = stem.parent / "renditions"
        rgb = image.convert("RGB")
        for width in _widths_for(image.width):
            height = round(image.height * width / image.width)
            resized = rgb.resize((width, height), Image.Resampling.LANCZOS)
            for pillow_format, extension, mime in RENDITION_FORMATS:
                buffer = io.BytesIO()
                resized.save(buffer, pillow_format, quality=80)
                saved = default_storage.save(
                    str(folder / f"{stem.stem}-{width}.{extension}"),
                    ContentFile(buffer.getvalue()),
                )
                renditions.append({"width": width, "height": height, "type": mime, "name": saved})
    return renditions, size


def _widths_for(original_width: int) -> list[int]:
    """The rendition widths, never enlarging: a small original gives one copy at its size."""
    return sorted({min(width, original_width) for width in RENDITION_WIDTHS})


def delete_files(name: str | None, renditions: list[dict] | None) -> None:
    """Remove an image and its renditions from storage. Deleting a missing file is no error on
    either storage, so there is no existence check (one request per file on S3, not two)."""
    for stored_name in [name, *[item["name"] for item in renditions or []]]:
        if stored_name:
            default_storage.delete(stored_name)


def share_image_url(image, renditions) -> str | None:
    """The image link previews and JSON-LD name: the share crop made around the focal point,
    else the largest JPEG rendition (every reader and crawler takes JPEG; the original may be
    a multi-megabyte upload), else the original."""
    if not image:
        return None
    if crop := next((item for item in renditions or [] if item.get("crop") == "share"), None):
        return default_storage.url(crop["name"])
    jpegs = [item for item in renditions or [] if item["type"] == "image/jpeg"]
    if jpegs:
        return default_storage.url(max(jpegs, key=lambda item: item["width"])["name"])
    return image.url


def picture_sources(
    image, renditions, *, alt: str, sizes: str, width: int | None = None, height: int | None = None
) -> dict | None:
    """What a <picture> needs from an image's stored renditions: WebP first, JPEG fallback.

    `image` is the stored file (an article's hero, a city's image), `width` and `height` its
    recorded size, used when there are no renditions (a row stored before they were made).
    """
    if not image:
        return None
    by_type: dict[str, list] = {}
    for item in renditions or []:
        if item.get("crop"):
            continue
        by_type.setdefault(item["type"], []).append(item)
    for items in by_type.values():
        items.sort(key=lambda item: item["width"])

    def srcset(items):
        return ", ".join(f"{default_storage.url(item['name'])} {item['width']}w" for item in items)

    jpegs = by_type.get("image/jpeg", [])
    fallback = jpegs[len(jpegs) // 2] if jpegs else None
    return {
        "webp_srcset": srcset(by_type.get("image/webp", [])),
        "jpeg_srcset": srcset(jpegs),
        "src": default_storage.url(fallback["name"]) if fallback else image.url,
        "width": fallback["width"] if fallback else width,
        "height": fallback["height"] if fallback else height,
        "sizes": sizes,
        "alt": alt,
    }


#: The size of the link-preview copy (Open Graph's recommended 1.91:1).
SHARE_CROP_SIZE = (1200, 630)


def make_share_crop(name: str, focal_point: tuple[float, float]) -> dict:
    """A JPEG of SHARE_CROP_SIZE's shape cut from a stored image around `focal_point` (x, y as
    fractions of its width and height), never enlarged past the original's pixels."""
    target_width, target_height = SHARE_CROP_SIZE
    with default_storage.open(name) as stored, Image.open(stored) as image:
        image.load()
        rgb = image.convert("RGB")
    ratio = target_width / target_height
    crop_width = min(rgb.width, round(rgb.height * ratio))
    crop_height = min(rgb.height, round(crop_width / ratio))
    focal_x, focal_y = focal_point
    left = min(max(round(focal_x * rgb.width - crop_width / 2), 0), rgb.width - crop_width)
    top = min(max(round(focal_y * rgb.height - crop_height / 2), 0), rgb.height - crop_height)
    cropped = rgb.crop((left, top, left + crop_width, top + crop_height))
    if crop_width > target_width:
        cropped = cropped.resize((target_width, target_height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    cropped.save(buffer, "JPEG", quality=82)
    stem = PurePosixPath(name)
    saved = default_storage.save(
        str(stem.parent / "renditions" / f"{stem.stem}-share.jpg"), ContentFile(buffer.getvalue())
    )
    return {
        "width": cropped.width, "height": cropped.height, "type": "image/jpeg", "name": saved,
        "crop": "share",
    }  # fmt: skip


def stored_name(src: str) -> str | None:
    """The stored name an address points at, if it is one of our uploads: the storage's (the
    bucket or CDN) or MEDIA_URL's, for bodies saved before media moved to a bucket."""
    # The storage's root address, from a folder's (a bucket has no address for "").
    folder = default_storage.url("library/")
    for prefix in {folder[: folder.rindex("library/")], settings.MEDIA_URL}:
        rest = src.removeprefix(prefix)
        if prefix and rest != src and _STORED_PATH.fullmatch(rest):
            name = unquote(rest)
            if ".." not in name and not name.startswith("/"):
                return name
    return None


#: What may follow the storage's address in one of our images' addresses: a name, URL-quoted.
_STORED_PATH = re.compile(r"[A-Za-z0-9._/%-]+")
#: <img> tags as nh3 writes them into a stored body (attributes double-quoted, no newlines).
_BODY_IMG = re.compile(r"<img\s([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_IMAGE_ID = re.compile(r'\sdata-image-id="(\d+)"')
BODY_IMAGE_SIZES = "(min-width: 48em) 44rem, 100vw"


def image_ids_in(html: str) -> list[int]:
    """The library images a body shows, by the id its <img> carry, in order."""
    return [int(found) for found in _IMAGE_ID.findall(html or "")]


def library_picture(image, *, sizes: str) -> dict | None:
    """What a <picture> needs for a library Image (see picture_sources)."""
    if image is None:
        return None
    return picture_sources(
        image.file, image.renditions, alt=image.alt_text, sizes=sizes, width=image.width,
        height=image.height,
    )  # fmt: skip


def responsive_body_images(html: str, library_images) -> str:
    """Print each library image in a (sanitised) body as a <picture> with the library's
    renditions (WebP, then JPEG), size, alt text and lazy loading; an <img> whose image is
    not in the library (deleted, or never ours) is dropped. The words are the library's, so
    correcting an image's alt text there corrects every article that shows it."""
    by_id = {image.pk: image for image in library_images}

    def rebuild(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        image_id = attributes.get("data-image-id", "")
        image = by_id.get(int(image_id)) if image_id.isdigit() else None
        if image is None:
            return ""
        picture = library_picture(image, sizes=BODY_IMAGE_SIZES)
        return render_to_string("includes/picture.html", {"picture": picture, "lazy": True})

    return _BODY_IMG.sub(rebuild, html)
