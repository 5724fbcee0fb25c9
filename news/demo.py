"""Demo content: the Baotou story from the reference page plus clearly marked invented items.

Every call is idempotent (rows are found by slug or natural key and updated), so `load_demo`
can run on every `make run` without duplicating or losing anything editors changed elsewhere.
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from .caching import content_changed
from .demo_content import (
    BAOTOU_BODY,
    BAOTOU_FIGURES,
    BAOTOU_PUBLISHED,
    CITIES,
    DEMO_ARTICLES,
    DEMO_NOTE,
    DEMO_USERS,
    METRICS,
    PROGRAMMES,
    demo_body,
)
from .demo_desk import stage_desk_work
from .models import Article, City, Designation, Metric, MetricValue, Programme
from .models import Image as LibraryImage
from .services import create_article
from .services.media import upload_image


def demo_image(title: str, hue: int, size=(1600, 900), name: str = "demo.jpg") -> ContentFile:
    """A generated JPEG (bands and circles) so demo articles have real images to render."""
    width, height = size
    image = Image.new("RGB", size, (20, 40, 70))
    draw = ImageDraw.Draw(image)
    for band in range(12):
        shade = (hue + band * 9) % 256
        draw.rectangle(
            [0, band * height // 12, width, (band + 1) * height // 12],
            fill=(shade // 3, 60 + shade // 4, 120 + shade // 3),
        )
    for index in range(7):
        x, y, radius = 200 + index * 210, height // 2 + (index % 3 - 1) * 150, 60 + index * 12
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius], outline=(255, 210, 90), width=8
        )
    draw.text((60, height - 90), title[:60], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue(), name=name)


def demo_library_image(*, title: str, alt_text: str, hue: int, name: str, by) -> LibraryImage:
    """The demo image with this title in the media library: uploaded through the library's
    service the first time (so it is checked and has renditions), found again afterwards."""
    existing = LibraryImage.objects.filter(title=title).first()
    if existing is not None:
        return existing
    return upload_image(
        upload=demo_image(title, hue=hue, name=name),
        by=by,
        title=title,
        alt_text=alt_text,
        caption="An illustration generated for the demo site.",
        credit="Image: cityinno demo",
        tags=["demo", "illustration"],
    )


def aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def ensure_demo_users() -> list:
    """The role groups and one staff account per role; existing passwords are left alone."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from .roles import ensure_roles

    ensure_roles(Group, Permission)
    users = []
    for username, role, password in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        users.append(user)
    return users


@transaction.atomic
def load_demo_content(*, author=None) -> dict:
    """Create or refresh every demo row; returns counts for the command to print."""
    ensure_demo_users()
    cities = {}
    for slug, name, name_zh, province, level, code, featured, summary in CITIES:
        cities[slug], _ = City.objects.update_or_create(
            slug=slug,
            defaults=dict(
                name=name, name_zh=name_zh, province=province, level=level,
                division_code=code, is_featured=featured, summary=summary,
            ),
        )  # fmt: skip

    programmes = {}
    for slug, name, issuer, start, end, description in PROGRAMMES:
        programmes[slug], _ = Programme.objects.update_or_create(
            slug=slug,
            defaults=dict(
                name=name, issuing_body=issuer, start_year=start, end_year=end,
                description=description,
            ),
        )  # fmt: skip

    metrics = {}
    for slug, name, unit, description in METRICS:
        metrics[slug], _ = Metric.objects.update_or_create(
            slug=slug, defaults=dict(name=name, unit=unit, description=description)
        )

    baotou_article = upsert_article(
        slug="baotou-innovation-driven-demonstration-city",
        title="Baotou among national innovation-driven demonstration cities",
        kind=Article.Kind.NEWS,
        status=Article.Status.PUBLISHED,
        published_at=aware(BAOTOU_PUBLISHED),
        summary="Baotou is one of 39 prefecture-level regions approved by CAST to build "
        "innovation-driven demonstration cities in 2023–2025.",
        body=BAOTOU_BODY,
        city_slugs=["baotou"],
        programme_slugs=["innovation-driven-demonstration-cities-2023-2025"],
        tags=["innovation-driven", "innovation-china", "science-popularisation"],
        is_featured=True,
        with_image=True,
        text_image="Baotou's science and technology talent platform",
        cities=cities,
        programmes=programmes,
        author=author,
        source_name="Baotou municipal government",
    )
    for metric_slug, value in BAOTOU_FIGURES.items():
        MetricValue.objects.update_or_create(
            metric=metrics[metric_slug],
            city=cities["baotou"],
            period="2023",
            defaults=dict(value=Decimal(value), source_article=baotou_article, source_note=""),
        )

    articles = {"baotou": baotou_article}
    now = timezone.now()
    for (slug, title, kind, status, days, city_slugs, programme_slugs, tags, featured,
         with_image, summary) in DEMO_ARTICLES:  # fmt: skip
        if days is None:
            published_at = None
        elif days >= 5000:
            published_at = now + timedelta(days=365)
        else:
            published_at = aware(BAOTOU_PUBLISHED + timedelta(days=days))
        articles[slug] = upsert_article(
            slug=slug, title=title, kind=kind, status=status, published_at=published_at,
            summary=summary, body=demo_body(title, summary), city_slugs=city_slugs,
            programme_slugs=programme_slugs, tags=tags, is_featured=featured,
            with_image=with_image, cities=cities, programmes=programmes, author=author,
            source_name="",
        )  # fmt: skip

    designate(programmes, cities, articles)
    add_demo_series(metrics, cities, articles)
    stage_desk_work(cities)
    content_changed()
    return {
        "cities": City.objects.count(),
        "programmes": Programme.objects.count(),
        "articles": Article.objects.count(),
        "public articles": Article.objects.public().count(),
        "metric values": MetricValue.objects.count(),
        "demo users": len(DEMO_USERS),
    }


def upsert_article(*, slug, cities, programmes, city_slugs, programme_slugs, tags, with_image,
                   author, text_image="", **fields) -> Article:  # fmt: skip
    """The demo article with this slug: created through the article service the first time,
    left as editors keep it afterwards. `text_image` names a library image the text shows
    after its first paragraph, as the editor's Image button inserts it."""
    existing = Article.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    fields.setdefault(
        "updated_on",
        timezone.localdate(fields["published_at"]) if fields["published_at"] else None,
    )
    article = Article(
        slug=slug,
        author=author,
        byline="cityinno staff" if slug.startswith("baotou") else "cityinno demo desk",
        **fields,
    )
    if text_image:
        image = demo_library_image(
            title=f"Demo illustration: {text_image}"[:200],
            alt_text=f"Illustration of {text_image}: coloured bands and rings.",
            hue=len(text_image) * 29,
            name=f"{slug}-text.jpg",
            by=author,
        )
        shown = image.rendition(kind="image/jpeg") or {"name": image.file.name}
        tag = (
            f'<img src="{default_storage.url(shown["name"])}" alt="{escape(image.alt_text)}" '
            f'data-image-id="{image.pk}">'
        )
        first, rest = article.body.split("</p>", 1)
        article.body = f"{first}</p>{tag}{rest}"
    if with_image:
        article.hero = demo_library_image(
            title=f"Demo illustration: {article.title}"[:200],
            alt_text=f"Illustration for “{article.title}”: coloured bands and rings.",
            hue=len(slug) * 17,
            name=f"{slug}.jpg",
            by=author,
        )
    return create_article(
        article=article,
        by=author,
        cities=[cities[name] for name in city_slugs],
        programmes=[programmes[name] for name in programme_slugs],
        tags=tags,
    )


def designate(programmes, cities, articles) -> None:
    demonstration = programmes["innovation-driven-demonstration-cities-2023-2025"]
    pilot = programmes["innovation-china-pilot-cities"]
    support = programmes["innovation-driven-support-project"]
    rows = [
        (demonstration, "baotou", Designation.Status.APPROVED, date(2023, 7, 4), "baotou"),
        (demonstration, "hohhot", Designation.Status.APPROVED, date(2023, 7, 6),
         "hohhot-joins-demonstration-programme"),
        (demonstration, "hefei", Designation.Status.APPROVED, date(2023, 7, 7), "hefei-wuhu-designated"),
        (demonstration, "wuhu", Designation.Status.APPROVED, date(2023, 7, 7), "hefei-wuhu-designated"),
        (pilot, "baotou", Designation.Status.PILOT, date(2021, 5, 1), None),
        (pilot, "xian", Designation.Status.PILOT, date(2018, 6, 1), "xian-innovation-china-pilot-review"),
        (pilot, "shenzhen", Designation.Status.DEMONSTRATION, date(2019, 3, 1), None),
        (pilot, "yanbian", Designation.Status.REVOKED, date(2020, 9, 1), None),
        (support, "ordos", Designation.Status.PILOT, date(2017, 4, 1), None),
        (support, "baotou", Designation.Status.APPROVED, date(2017, 4, 1), None),
    ]  # fmt: skip
    for programme, city_slug, status, announced_on, article_slug in rows:
        Designation.objects.update_or_create(
            programme=programme,
            city=cities[city_slug],
            defaults=dict(
                status=status,
                announced_on=announced_on,
                source_article=articles.get(article_slug) if article_slug else None,
            ),
        )


def add_demo_series(metrics, cities, articles) -> None:
    """Invented earlier periods and other cities, so charts and comparisons have data."""
    data_release = articles["inner-mongolia-science-bases-data"]
    for city_slug, base in [("hohhot", 1800), ("ordos", 950), ("hefei", 3100), ("xian", 2700)]:
        for offset, period in enumerate(["2021", "2022", "2023"]):
            MetricValue.objects.update_or_create(
                metric=metrics["experts-on-innovation-china-platform"],
                city=cities[city_slug],
                period=period,
                defaults=dict(value=Decimal(base + offset * 210), source_note=DEMO_NOTE),
            )
    for period, value in [("2021", 1650), ("2022", 2010)]:
        MetricValue.objects.update_or_create(
            metric=metrics["experts-on-innovation-china-platform"],
            city=cities["baotou"],
            period=period,
            defaults=dict(value=Decimal(value), source_note=DEMO_NOTE),
        )
    for city_slug, value in [("hohhot", 2), ("ordos", 1)]:
        MetricValue.objects.update_or_create(
            metric=metrics["national-science-popularisation-bases"],
            city=cities[city_slug],
            period="2023",
            defaults=dict(value=Decimal(value), source_article=data_release, source_note=DEMO_NOTE),
        )
