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
from .demo_desk import stage_desk_work
from .models import Article, City, Designation, Metric, MetricValue, Programme
from .models import Image as LibraryImage
from .services import create_article
from .services.media import upload_image

DEMO_NOTE = "Demo data: invented for illustration, not a real figure."

CITIES = [
    # slug, English, Chinese, province, level, division code, featured, summary
    ("baotou", "Baotou", "包头市", "Inner Mongolia", "prefecture", "150200", True,
     "Steel and rare-earth city on the Yellow River; approved as an innovation-driven "
     "demonstration city for 2023–2025."),
    ("hohhot", "Hohhot", "呼和浩特市", "Inner Mongolia", "prefecture", "150100", True,
     "Capital of Inner Mongolia. Demo data: its programme standing here is invented."),
    ("ordos", "Ordos", "鄂尔多斯市", "Inner Mongolia", "prefecture", "150600", False,
     "Energy city on the Ordos plateau. Demo data."),
    ("xilingol-league", "Xilingol League", "锡林郭勒盟", "Inner Mongolia", "league", "152500",
     False, "A league-level division of grassland. Demo data."),
    ("beijing", "Beijing", "北京市", "Beijing", "municipality", "110000", True,
     "The capital, a municipality directly under the central government. Demo data."),
    ("shanghai", "Shanghai", "上海市", "Shanghai", "municipality", "310000", False,
     "Municipality at the mouth of the Yangtze. Demo data."),
    ("shenzhen", "Shenzhen", "深圳市", "Guangdong", "sub_provincial", "440300", True,
     "Sub-provincial city in the Pearl River Delta. Demo data."),
    ("hefei", "Hefei", "合肥市", "Anhui", "prefecture", "340100", True,
     "Capital of Anhui, home of a national science centre. Demo data."),
    ("wuhu", "Wuhu", "芜湖市", "Anhui", "prefecture", "340200", False,
     "Manufacturing city on the Yangtze. Demo data."),
    ("xian", "Xi'an", "西安市", "Shaanxi", "sub_provincial", "610100", True,
     "Sub-provincial capital of Shaanxi. Demo data."),
    ("yanbian", "Yanbian", "延边朝鲜族自治州", "Jilin", "autonomous_prefecture", "222400", False,
     "Korean autonomous prefecture on the border. Demo data."),
    ("hotan", "Hotan", "和田地区", "Xinjiang", "region", "653200", False,
     "A prefecture-level region in southern Xinjiang. Demo data."),
    ("zibo", "", "淄博市", "Shandong", "prefecture", "370300", False,
     "Entered with its Chinese name only, so its address is spelled in pinyin. Demo data."),
]  # fmt: skip

PROGRAMMES = [
    ("innovation-driven-demonstration-cities-2023-2025",
     "Innovation-driven demonstration cities 2023–2025",
     "China Association for Science and Technology", 2023, 2025,
     "A higher tier built on two earlier pilot schemes of the association: cities chosen by "
     "expert review for how science and technology drive their economy and society. "
     "39 prefecture-level regions were approved for 2023–2025."),
    ("innovation-china-pilot-cities", "Innovation China pilot cities",
     "China Association for Science and Technology", 2018, None,
     "Pilot cities that draw on the association's national societies to serve local "
     "industry. Demo data: the start year is invented."),
    ("innovation-driven-support-project", "Innovation-driven Support Project",
     "China Association for Science and Technology", 2016, 2022,
     "Support for cities pairing national societies with local industry. Demo data: the "
     "years are invented."),
]  # fmt: skip

METRICS = [
    ("experts-on-innovation-china-platform", "Experts on the Innovation China platform", "experts",
     "Experts the city brought onto the national Innovation China platform."),
    ("achievements-released", "Scientific and technological achievements released",
     "achievements", "Research results published for transfer to industry."),
    ("high-end-academic-activities", "High-end academic activities with national societies",
     "events", "Forums and summits held jointly with national scientific societies."),
    ("innovation-method-training-sessions", "Innovation-method training sessions", "sessions",
     "Courses on innovation methods for engineers and technical managers."),
    ("certified-innovation-engineers", "Certified innovation engineers and technical managers",
     "people", "People certified as national second-level innovation engineers or technical "
     "managers."),
    ("national-science-popularisation-bases", "National science popularisation education bases",
     "bases", "Bases recognised at national level for public science education."),
    ("scientist-spirit-education-bases", "Scientist spirit education bases", "bases",
     "Bases that teach the history and values of Chinese scientists."),
    ("regional-science-popularisation-bases", "Regional science popularisation education bases",
     "bases", "Bases recognised by the province or autonomous region."),
]  # fmt: skip

BAOTOU_FIGURES = {
    "experts-on-innovation-china-platform": 2333,
    "achievements-released": 1135,
    "high-end-academic-activities": 17,
    "innovation-method-training-sessions": 35,
    "certified-innovation-engineers": 514,
    "national-science-popularisation-bases": 3,
    "scientist-spirit-education-bases": 1,
    "regional-science-popularisation-bases": 13,
}

BAOTOU_BODY = """
<p>Baotou is one of 39 prefecture-level regions that the China Association for Science and
Technology (CAST) has chosen to build innovation-driven demonstration cities over 2023–2025,
according to a notice the association issued this month.</p>
<p>The new title sits one level above two earlier CAST schemes, the Innovation-driven Support
Project and the Innovation China pilot cities. Experts reviewed how each candidate took part in
those pilots and how far science and technology now lead its economic and social development.
CAST wants the demonstration cities to grow into regional innovation hubs with national
reach.</p>
<h2>What Baotou brings</h2>
<p>Baotou was placed in the national top ten of Innovation China pilot cities and presented its
experience at the scheme's 2023 annual conference. Its record in recent years includes:</p>
<ul>
<li>2,333 experts brought onto the Innovation China platform;</li>
<li>1,135 scientific and technological achievements released;</li>
<li>17 high-end academic activities held jointly with national societies, among them a summit
forum on industry-university-research integration in modern energy;</li>
<li>35 training sessions on innovation methods, and 514 national second-level innovation
engineers and technical managers certified;</li>
<li>three national science popularisation education bases, one scientist spirit education base
and 13 science popularisation education bases recognised by Inner Mongolia.</li>
</ul>
<p>The city says its next step is to tie its innovation, industry, capital and talent chains
more closely together.</p>
"""

#: slug, title, kind, status, days after 2023-07-04 (None = now-relative), cities, programmes,
#: tags, featured, has image, summary (the body is generated from the summary)
DEMO_ARTICLES = [
    ("hefei-opens-shared-instrument-platform", "Hefei opens its shared research instruments to firms",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 40, ["hefei"], [], ["research", "industry"],
     False, True, "Small companies can now book time on university equipment. Demo data."),
    ("shenzhen-talent-policy-2023", "Shenzhen publishes a talent policy for young engineers",
     Article.Kind.POLICY, Article.Status.PUBLISHED, 75, ["shenzhen"], [], ["talent", "policy"],
     False, False, "Housing and training support for engineers under 35. Demo data."),
    ("xian-innovation-china-pilot-review", "Xi'an reviews five years as an Innovation China pilot",
     Article.Kind.FEATURE, Article.Status.PUBLISHED, 120, ["xian"],
     ["innovation-china-pilot-cities"], ["innovation-china"], False, True,
     "A look at what the pilot changed for the city's research institutes. Demo data."),
    ("inner-mongolia-science-bases-data", "Science popularisation bases in Inner Mongolia: the figures",
     Article.Kind.DATA_RELEASE, Article.Status.PUBLISHED, 150, ["baotou", "hohhot", "ordos"], [],
     ["science-popularisation", "data"], False, False,
     "Counts of recognised education bases by city. Demo data: figures for Hohhot and Ordos are "
     "invented."),
    ("hohhot-joins-demonstration-programme", "Hohhot confirmed in the demonstration city list",
     Article.Kind.ANNOUNCEMENT, Article.Status.PUBLISHED, 2,
     ["hohhot"], ["innovation-driven-demonstration-cities-2023-2025"], ["innovation-driven"],
     False, False, "Demo data: an invented announcement to show the announcement pages."),
    ("hefei-wuhu-designated", "Hefei and Wuhu named demonstration cities",
     Article.Kind.ANNOUNCEMENT, Article.Status.PUBLISHED, 3, ["hefei", "wuhu"],
     ["innovation-driven-demonstration-cities-2023-2025"], ["innovation-driven"], False, False,
     "Demo data: an invented announcement for two Anhui cities."),
    ("beijing-academic-forum-2024", "Beijing hosts a forum on science societies and cities",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 300, ["beijing"], [], ["research"], False, True,
     "Societies and city officials met to share pilot results. Demo data."),
    ("yanbian-border-innovation", "Yanbian links border trade and research",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 420, ["yanbian"], [], ["industry"], False,
     False, "Demo data: an invented story from an autonomous prefecture."),
    ("ordos-energy-summit", "Ordos plans an energy research summit",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 500, ["ordos"], [], ["energy"], False, False,
     "Demo data: an invented story about energy research."),
    ("shanghai-data-release-2024", "Shanghai releases its 2024 innovation indicators",
     Article.Kind.DATA_RELEASE, Article.Status.PUBLISHED, 560, ["shanghai"], [], ["data"], False,
     False, "Demo data: an invented data release."),
    ("zibo-training-sessions", "淄博举办创新方法培训 — Zibo holds innovation-method training",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 600, ["zibo"], [], ["talent"], False, False,
     "Demo data: a story with a Chinese headline, about a city entered by its Chinese name."),
    ("draft-hotan-story", "Hotan research station (draft)",
     Article.Kind.NEWS, Article.Status.DRAFT, None, ["hotan"], [], [], False, False,
     "Demo data: a draft the public must not see."),
    ("in-review-xilingol-story", "Xilingol grassland monitoring (in review)",
     Article.Kind.FEATURE, Article.Status.IN_REVIEW, None, ["xilingol-league"], [], [], False,
     False, "Demo data: an article waiting for an editor."),
    ("scheduled-baotou-follow-up", "Baotou one year on (scheduled)",
     Article.Kind.FEATURE, Article.Status.PUBLISHED, 5000, ["baotou"], [], [], False, False,
     "Demo data: scheduled far in the future, hidden until then."),
    ("archived-2023-call", "Call for demonstration city applications (archived)",
     Article.Kind.ANNOUNCEMENT, Article.Status.ARCHIVED, -60, [], [], [], False, False,
     "Demo data: an archived notice, no longer public."),
]  # fmt: skip

BAOTOU_PUBLISHED = datetime(2023, 7, 4, 9, 0)

#: One account per role, for trying the workflow locally (listed in README.md).
DEMO_USERS = [
    # username, role, password
    ("writer", "Writer", "cityinno-writer"),
    ("editor", "Editor", "cityinno-editor"),
    ("records", "Records admin", "cityinno-records"),
]


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


def demo_body(title: str, summary: str) -> str:
    return (
        f"<p><strong>Demo data.</strong> {summary}</p>"
        f"<p>This article, “{title}”, was written for cityinno's demo site. Its people, events "
        "and numbers are invented so that every page has something to show.</p>"
        "<h2>Why it is here</h2><p>Editors can open it in the admin to try the workflow, and "
        "readers can see how lists, tags and city pages link together.</p>"
    )


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
