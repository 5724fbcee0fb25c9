"""The admin's start page: each role's panels of work, through the test client. What each role
sees and does not see, the counts, the links to each item and to the filtered lists, and a
fixed number of queries whatever the archive's size."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news import services
from news.admin import dashboard
from news.admin.panels import PANEL_ITEMS, Panel, PanelItem
from news.models import Article, CsvImport
from news.roles import EDITOR, RECORDS_ADMIN
from tests.factories import ArticleFactory, CityFactory, DesignationFactory, UserFactory

pytestmark = pytest.mark.django_db


def draft(author, title, **fields):
    return ArticleFactory(
        title=title, status=Article.Status.DRAFT, published_at=None, author=author, **fields
    )


def desk(client, user) -> dict:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return {panel.key: panel for panel in response.context["panels"]}, response.content.decode()


def labels(panel: Panel) -> list[str]:
    return [item.label for item in panel.items]


def change_url(article) -> str:
    return f"/admin/news/article/{article.pk}/change/"


def listed(client, url) -> list[str]:
    """The titles a "see all" link's change list shows."""
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(article.title for article in response.context["cl"].result_list)


@pytest.fixture
def newsroom(writer, other_writer, editor, time_machine):
    """A morning's work, step by step a minute apart, through the workflow services."""
    start = timezone.now().replace(microsecond=0)
    moments = iter(start + timedelta(minutes=minute) for minute in range(100))

    def at_next_minute():
        time_machine.move_to(next(moments), tick=False)

    at_next_minute()
    mine = draft(writer, "Hohhot opens a science base")
    draft(other_writer, "Walter's secret draft")
    first_in = draft(writer, "Baotou certifies 514 engineers")
    theirs_in = draft(other_writer, "Walter's article in review")
    returned = draft(writer, "Ordos hydrogen pilot")
    at_next_minute()
    services.submit_for_review(article=first_in, by=writer)
    at_next_minute()
    services.submit_for_review(article=theirs_in, by=other_writer)
    services.submit_for_review(article=returned, by=writer)
    at_next_minute()
    services.return_to_draft(article=returned, by=editor, reason="Add the 2023 source, please.")
    at_next_minute()
    soon = draft(writer, "Xi'an programme announced")
    later = draft(writer, "Baotou one year on")
    services.publish_article(article=later, by=editor, when=start + timedelta(days=3))
    services.publish_article(article=soon, by=editor, when=start + timedelta(days=1))
    fresh = draft(writer, "Wuhu joins the list")
    services.publish_article(article=fresh, by=editor)
    ArticleFactory(title="Last month's story", published_at=start - timedelta(days=30))
    pulled = ArticleFactory(title="Shenzhen figures corrected", author=writer)
    services.withdraw_article(article=pulled, by=editor, reason="The figures were wrong.")
    at_next_minute()
    return {
        "mine": mine,
        "first_in": first_in,
        "theirs_in": theirs_in,
        "returned": returned,
        "soon": soon,
        "later": later,
        "fresh": fresh,
        "pulled": pulled,
    }


def test_a_writer_sees_their_own_drafts_returns_and_articles_in_review(client, writer, newsroom):
    panels, html = desk(client, writer)
    assert list(panels) == ["returned-to-me", "my-drafts", "my-articles-in-review"]

    returned = panels["returned-to-me"]
    assert (returned.count, labels(returned)) == (1, ["Ordos hydrogen pilot"])
    assert "edith-editor" in returned.items[0].detail
    assert "“Add the 2023 source, please.”" in returned.items[0].detail
    assert returned.items[0].url == change_url(newsroom["returned"])

    drafts = panels["my-drafts"]
    assert drafts.count == 2
    assert sorted(labels(drafts)) == ["Hohhot opens a science base", "Ordos hydrogen pilot"]

    in_review = panels["my-articles-in-review"]
    assert labels(in_review) == ["Baotou certifies 514 engineers"]
    assert "Submitted by wendy-writer" in in_review.items[0].detail

    # Nobody else's work: not another writer's draft, nor their article in review.
    assert "Walter" not in html
    assert "Awaiting review" not in html


def test_a_writers_see_all_links_open_their_own_lists(client, writer, newsroom):
    panels, _html = desk(client, writer)
    for panel in panels.values():
        assert listed(client, panel.more_url) == sorted(labels(panel)), panel.key


def test_an_editor_sees_what_awaits_them_oldest_first_with_who_and_when(client, editor, newsroom):
    panels, html = desk(client, editor)
    assert list(panels) == ["awaiting-review", "scheduled", "recently-published", "withdrawn"]

    awaiting = panels["awaiting-review"]
    assert labels(awaiting) == ["Baotou certifies 514 engineers", "Walter's article in review"]
    assert awaiting.items[0].detail.startswith("Submitted by wendy-writer, ")
    assert awaiting.items[1].detail.startswith("Submitted by walter-writer, ")
    assert awaiting.items[0].url == change_url(newsroom["first_in"])

    scheduled = panels["scheduled"]
    assert labels(scheduled) == ["Xi'an programme announced", "Baotou one year on"]
    newsroom["soon"].refresh_from_db()
    goes_live = timezone.localtime(newsroom["soon"].published_at).strftime("%Y-%m-%d %H:%M")
    assert scheduled.items[0].detail == f"Goes live {goes_live}"

    recent = panels["recently-published"]
    assert labels(recent) == ["Wuhu joins the list"]  # not last month's story
    assert recent.title == "Published in the last 7 days"

    withdrawn = panels["withdrawn"]
    assert labels(withdrawn) == ["Shenzhen figures corrected"]
    assert withdrawn.items[0].detail.endswith(": The figures were wrong.")

    for panel in panels.values():
        assert panel.count == len(panel.items)
        assert listed(client, panel.more_url) == sorted(labels(panel)), panel.key
    assert f'href="{change_url(newsroom["soon"])}"' in html
    assert "My drafts" not in html


def test_a_records_admin_sees_the_register_not_the_articles(client, records_admin, newsroom):
    CityFactory(name="Hotan", division_code=None, province="Xinjiang")
    CityFactory(name="Baotou", division_code="150200")
    DesignationFactory(city=CityFactory(name="Wuhu", division_code="340200"))
    panels, html = desk(client, records_admin)
    assert list(panels) == [
        "figures-awaiting-confirmation", "latest-imports", "cities-without-a-code",
        "latest-designations",
    ]  # fmt: skip
    assert labels(panels["cities-without-a-code"]) == ["Hotan"]
    assert panels["cities-without-a-code"].items[0].detail == "Xinjiang"
    response = client.get(panels["cities-without-a-code"].more_url)
    assert [city.name for city in response.context["cl"].result_list] == ["Hotan"]
    assert panels["latest-designations"].items[0].label.startswith("Wuhu — Test programme")
    assert "Write an article" not in html
    assert "Baotou certifies" not in html


def test_a_superuser_sees_the_editors_and_the_records_panels(admin_client, newsroom):
    response = admin_client.get("/admin/")
    keys = [panel.key for panel in response.context["panels"]]
    assert keys == [
        "awaiting-review",
        "scheduled",
        "recently-published",
        "withdrawn",
        "figures-awaiting-confirmation",
        "latest-imports",
        "cities-without-a-code",
        "latest-designations",
    ]


def test_someone_in_two_roles_sees_both_roles_panels_once(client, writer, roles):
    writer.groups.add(roles[EDITOR])
    panels, html = desk(client, writer)
    assert list(panels) == [
        "awaiting-review", "scheduled", "recently-published", "withdrawn",
        "returned-to-me", "my-drafts", "my-articles-in-review",
    ]  # fmt: skip
    assert html.count('class="desk-role"') == 2


def test_staff_without_a_role_get_an_empty_desk_and_their_lists_in_the_sidebar(client, db):
    someone = UserFactory(username="nobody", is_staff=True)
    panels, html = desk(client, someone)
    assert panels == {}
    assert "Nothing waits for you here." in html


def test_a_panel_counts_everything_and_shows_the_first_few(client, writer):
    for number in range(PANEL_ITEMS + 3):
        draft(writer, f"Draft {number}")
    panels, html = desk(client, writer)
    drafts = panels["my-drafts"]
    assert drafts.count == PANEL_ITEMS + 3
    assert len(drafts.items) == PANEL_ITEMS
    assert f"See all {PANEL_ITEMS + 3}" in html
    assert len(listed(client, drafts.more_url)) == PANEL_ITEMS + 3


def test_another_part_of_the_newsroom_can_add_a_panel_to_a_role(client, records_admin, monkeypatch):
    def imports_waiting(request):
        return Panel(
            key="latest-imports",
            title="Latest imports",
            count=1,
            items=[PanelItem(label="cities.csv", url="/admin/news/city/", detail="by rita")],
            more_url="/admin/news/city/",
        )

    panels = {**dashboard.ROLE_PANELS}
    panels[RECORDS_ADMIN] = [*panels[RECORDS_ADMIN], imports_waiting]
    monkeypatch.setattr(dashboard, "ROLE_PANELS", panels)
    drawn, html = desk(client, records_admin)
    assert "latest-imports" in drawn
    assert 'id="panel-latest-imports"' in html
    assert '<a href="/admin/news/city/">cities.csv</a>' in html


# --- The cost of the page -------------------------------------------------------------------

SMALL, LARGE = 12, 40
#: The start page per role: the admin's own reads (session, user, their admin language, then
#: their groups and two of permissions, which a superuser skips), then one query per panel
#: (count and first items together), whatever the number of articles.
DESK_MAX_QUERIES = {"writer": 6 + 3, "editor": 6 + 4, "records_admin": 6 + 4, "superuser": 3 + 8}


def grow(count: int, writer, other_writer, editor) -> None:
    """An archive of `count` articles in every state, by two writers."""
    for number in range(Article.objects.count(), count):
        author = writer if (number // 6) % 2 else other_writer
        article = draft(author, f"Story {number}")
        step = number % 6
        if step == 1:
            services.submit_for_review(article=article, by=author)
        elif step == 2:
            services.submit_for_review(article=article, by=author)
            services.return_to_draft(article=article, by=editor, reason=f"Note {number}")
        elif step == 3:
            services.publish_article(article=article, by=editor)
        elif step == 4:
            when = timezone.now() + timedelta(days=number)
            services.publish_article(article=article, by=editor, when=when)
        elif step == 5:
            services.publish_article(article=article, by=editor)
            services.withdraw_article(article=article, by=editor, reason="Wrong.")
        CityFactory(division_code=None if number % 3 else f"{100000 + number}")
        DesignationFactory()
        if step == 0:  # figures its text reports, not yet recorded; an import of the register
            Article.objects.filter(pk=article.pk).update(figures_awaiting=2)
            CsvImport.objects.create(
                kind=CsvImport.Kind.CITIES, file_name=f"{number}.csv", by=editor
            )


def queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", list(DESK_MAX_QUERIES))
def test_each_roles_start_page_costs_the_same_at_two_archive_sizes(
    client, request, role, writer, other_writer, editor, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    grow(SMALL, writer, other_writer, editor)
    small = queries(client)
    grow(LARGE, writer, other_writer, editor)
    large = queries(client)
    assert small == large, f"{role}: {small} queries with {SMALL} articles, {large} with {LARGE}"
    with django_assert_max_num_queries(DESK_MAX_QUERIES[role]):
        response = client.get("/admin/")
    assert all(panel.count for panel in response.context["panels"]), role
