"""Small helpers shared by the admin tests: the article form's POST data, library images."""

from django.utils import timezone

MANAGEMENT_FORM = {
    f"{prefix}-{name}": value
    for prefix in ("figures",)
    for name, value in [
        ("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    ]
}  # fmt: skip


def article_post_data(article=None, **overrides) -> dict:
    """What the admin's article form sends: the article's current values, then `overrides`."""
    data = {
        "title": article.title if article else "Wuhu joins the list",
        "slug": article.slug if article else "wuhu-joins-the-list",
        "kind": article.kind if article else "news",
        "summary": article.summary if article else "Short.",
        "body": article.body if article else "<p>Text</p>",
        "byline": article.byline if article else "Staff",
        "hero": (article.hero_id or "") if article else "",
        "opened_version": article.version if article else "",
        **MANAGEMENT_FORM,
    }
    if article is not None and article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    if article is not None and article.updated_on:
        data["updated_on"] = article.updated_on.isoformat()
    data.update(overrides)
    return data


def library_image(*, size=(1700, 900), name="skyline.jpg", by=None, owner=None, **fields):
    """A media library image uploaded through the library's service (checked, renditions
    made), from a generated JPEG of `size`; `owner` is recorded as its uploader whatever
    they may do."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from news.services.media import upload_image
    from tests.test_images import jpeg_bytes

    fields.setdefault("title", "Baotou skyline")
    fields.setdefault("alt_text", "Baotou skyline at dusk")
    upload = SimpleUploadedFile(name, jpeg_bytes(size=size), content_type="image/jpeg")
    image = upload_image(upload=upload, by=by, **fields)
    if owner is not None:
        image.uploaded_by = owner
        image.save(update_fields=["uploaded_by"])
    return image
