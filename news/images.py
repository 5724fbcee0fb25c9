"""Uploaded images (hero, body and city images): check uploads are real, safe-sized photos,
strip their metadata, make renditions, and print them as responsive markup.

Renditions are made once, at upload, and listed on the row (`hero_renditions`, `renditions`,
`image_renditions`), so pages only print `srcset` from stored names and never touch Pillow on a
request. Every file is read and written through the default storage by name, never by path, so
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
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (480, 960, 1600)
RENDITION_FORMATS = (("WEBP", "webp", "image/webp"), ("JPEG", "jpg", "image/jpeg"))


def max_upload_bytes() -> int:
    return getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", 40_000_000)


def clean_upload(upload) -> ContentFile:
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
    return ContentFile(buffer.getvalue(), name=f"{stem}.{ACCEPTED_FORMATS[image_format]}")


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
    """The image link previews and JSON-LD name: the largest JPEG rendition (every reader and
    crawler takes JPEG; the original may be a multi-megabyte upload), else the original."""
    if not image:
        return None
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


#: Where images for the text are stored (BodyImage.image's upload_to).
BODY_IMAGE_FOLDER = "articles/body/"
#: What may follow the folder in a body image's address: a stored name, URL-quoted.
_BODY_IMAGE_PATH = re.compile(r"[A-Za-z0-9._/%-]+")


def body_image_name(src: str) -> str | None:
    """The stored name an <img src> in a body points at, if it is one of our images for the
    text, else None. The address may be the storage's (the bucket or CDN) or, for bodies saved
    before media moved to a bucket, MEDIA_URL's; either way the page prints the current one."""
    prefixes = {default_storage.url(BODY_IMAGE_FOLDER), f"{settings.MEDIA_URL}{BODY_IMAGE_FOLDER}"}
    for prefix in prefixes:
        rest = src.removeprefix(prefix)
        if rest != src and _BODY_IMAGE_PATH.fullmatch(rest):
            name = unquote(rest)
            if ".." not in name and not name.startswith("/"):
                return BODY_IMAGE_FOLDER + name
    return None


#: <img> tags as nh3 writes them into a stored body (attributes double-quoted, no newlines).
_BODY_IMG = re.compile(r"<img\s([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
BODY_IMAGE_SIZES = "(min-width: 48em) 44rem, 100vw"


def responsive_body_images(html: str, body_images) -> str:
    """Give each uploaded image in a (sanitised) body its renditions as srcset, its size, alt
    text and lazy loading; images the body names but the article no longer has are dropped."""
    by_name = {item.image.name: item for item in body_images if item.image}

    def rebuild(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        body_image = by_name.get(body_image_name(attributes.get("src", "")) or "")
        if body_image is None:
            return ""
        jpegs = sorted(
            (item for item in body_image.renditions or [] if item["type"] == "image/jpeg"),
            key=lambda item: item["width"],
        )
        parts = {
            "src": body_image.image.url,
            "alt": attributes.get("alt") or escape(body_image.alt_text),
            "width": body_image.width,
            "height": body_image.height,
            "srcset": ", ".join(
                f"{default_storage.url(item['name'])} {item['width']}w" for item in jpegs
            ),
            "sizes": BODY_IMAGE_SIZES if jpegs else "",
            "loading": "lazy",
            "decoding": "async",
        }
        return (
            "<img " + " ".join(f'{name}="{value}"' for name, value in parts.items() if value) + ">"
        )

    return _BODY_IMG.sub(rebuild, html)
