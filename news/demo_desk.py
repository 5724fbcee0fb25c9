"""Work in progress for the demo accounts, so each role's start page has something to do after
`make run`: a draft the editor returned to the writer with a note, a draft whose text reports
figures nobody has recorded yet, and a Chinese story waiting for review.

Made through the same services as the newsroom's own work (create, submit, return), once:
an article that exists already is left as people have kept it.
"""

from django.contrib.auth import get_user_model

from .models import Article, City
from .services import create_article, return_to_draft, submit_for_review

#: slug, title, summary, body, city slugs, what has happened to it (draft, submitted, returned)
DESK_ARTICLES = [
    (
        "ordos-hydrogen-pilot-first-results",
        "Ordos hydrogen pilot: first results",
        "Demo data: the first year of an invented hydrogen pilot, written by the demo writer.",
        "<p><strong>Demo data.</strong> In 2024 the Ordos pilot opened 12 hydrogen refuelling "
        "stations and put 350 fuel-cell lorries on the road.</p><p>The city trained 86 "
        "engineers to maintain them, and says 4 more stations will follow.</p>",
        ["ordos"],
        "returned",
    ),
    (
        "hohhot-science-popularisation-base",
        "Hohhot opens a science popularisation base",
        "Demo data: a draft the demo writer is still working on.",
        "<p><strong>Demo data.</strong> The base will host school visits and weekend "
        "workshops.</p>",
        ["hohhot"],
        "draft",
    ),
    (
        "baotou-young-engineers-contest",
        "包头市举办青年工程师创新大赛",
        "演示数据：演示撰稿人提交审核的一篇中文稿件。",
        "<p><strong>演示数据。</strong>大赛共有120名青年工程师参赛，评选出优秀项目15项。</p>",
        ["baotou"],
        "submitted",
    ),
]
RETURN_NOTE = "Please add the source of the 2024 figures and a photo credit."


def stage_desk_work(cities: dict[str, City]) -> int:
    """The demo writer's work in progress; returns how many articles were made now."""
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["writer", "editor"]
    )}  # fmt: skip
    writer, editor = users.get("writer"), users.get("editor")
    if writer is None or editor is None:
        return 0
    made = 0
    for slug, title, summary, body, city_slugs, stage in DESK_ARTICLES:
        if Article.objects.filter(slug=slug).exists():
            continue
        article = create_article(
            article=Article(
                slug=slug, title=title, summary=summary, body=body, author=writer,
                kind=Article.Kind.NEWS, status=Article.Status.DRAFT,
            ),
            by=writer,
            cities=[cities[name] for name in city_slugs],
        )  # fmt: skip
        if stage in {"submitted", "returned"}:
            article = submit_for_review(article=article, by=writer)
        if stage == "returned":
            return_to_draft(article=article, by=editor, reason=RETURN_NOTE)
        made += 1
    return made
