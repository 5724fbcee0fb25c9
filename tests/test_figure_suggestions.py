"""Figure suggestions: reading figures out of article text, and the admin screen where an editor
accepts, edits or dismisses them (nothing is stored before that)."""

import os
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from news import services
from news.figures.suggest import find_figures, score_suggestions, suggest_figures
from news.models import Article, Metric, MetricValue, ReviewedFigure
from news.roles import may_confirm_figures
from news.sanitise import plain_text
from tests.factories import ArticleFactory, CityFactory, MetricFactory, MetricValueFactory
from tests.helpers import article_post_data

# Sentences shaped like the reference page's, in our own words.
LIST_SENTENCE = (
    "Over the past five years Wuhu has signed up 1,204 researchers to the national platform, "
    "published 867 scientific and technological results; co-organised 12 high-end academic "
    "forums with national societies; run 41 training courses for innovation methods, and "
    "certified 230 national second-level innovation engineers and technical managers; opened "
    "two national science popularization education bases and 9 provincial science "
    "popularization education bases."
)


def figures_in(text):
    return [(figure.value, figure.phrase) for figure in find_figures(text)]


def test_reads_counts_with_thousands_commas_and_number_words():
    assert figures_in(LIST_SENTENCE) == [
        (Decimal(1204), "researchers"),
        (Decimal(867), "scientific and technological results"),
        (Decimal(12), "high-end academic forums"),
        (Decimal(41), "training courses"),
        (Decimal(230), "national second-level innovation engineers and technical managers"),
        (Decimal(2), "national science popularization education bases"),
        (Decimal(9), "provincial science popularization education bases"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The notice covers 2023-25 and was issued on 2023-07-04.",
        "Hefei ranked among the top 10 pilot cities in 2023.",
        "Spending rose 12% over three years.",
        "It is a second-level scheme, one level above the pilot.",
    ],
)
def test_years_dates_ranks_shares_and_durations_are_not_figures(sentence):
    assert figures_in(sentence) == []


def test_each_figure_keeps_the_sentence_it_came_from():
    html = "<p>Intro text here.</p><ul><li>514 certified engineers;</li><li>three bases.</li></ul>"
    found = find_figures(plain_text(html, keep_blocks=True))
    assert [(f.value, f.sentence) for f in found] == [
        (Decimal(514), "514 certified engineers;"),
        (Decimal(3), "three bases."),
    ]


@pytest.mark.django_db
def test_matches_figures_to_the_metrics_that_name_them():
    metrics = [
        MetricFactory(name="Certified innovation engineers and technical managers", unit="people"),
        MetricFactory(name="National science popularisation education bases", unit="bases"),
        MetricFactory(name="Regional science popularisation education bases", unit="bases"),
        MetricFactory(name="Experts on the Innovation China platform", unit="experts"),
    ]
    html = (
        "<p>The city certified 514 national second-level innovation engineers and technical "
        "managers and built three national science popularization education bases and 13 Inner "
        "Mongolia autonomous region science popularization education bases.</p>"
        "<p>It brought 2,333 experts onto the platform.</p>"
    )
    found = suggest_figures(html, Metric.objects.all())
    assert [(f.value, f.metric) for f in found] == [
        (514, metrics[0]), (3, metrics[1]), (13, metrics[2]), (2333, metrics[3]),
    ]  # fmt: skip


def test_score_counts_correct_wrong_and_missed():
    found = find_figures("It held 17 forums and 35 courses.")
    for figure in found:
        figure.metric = type("M", (), {"slug": "forums"})() if figure.value == 17 else None
    score = score_suggestions(found, {"forums": Decimal(17), "bases": Decimal(3)})
    assert (score.found, score.correct, len(score.wrong), list(score.missed)) == (
        2,
        1,
        1,
        ["bases"],
    )


def test_measure_command_prints_found_correct_and_missed_on_the_reference_page():
    from news.management.commands.measure_figure_suggestions import DEFAULT_REFERENCE

    if not DEFAULT_REFERENCE.is_dir():
        reason = f"the shared reference page is not at {DEFAULT_REFERENCE}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must measure figure suggestions on the reference page: {reason}")
        pytest.skip(reason)
    out = StringIO()
    call_command("measure_figure_suggestions", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[-5:] == ["expected", "found", "correct", "wrong", "missed"]
    reference = next(line for line in lines if line.startswith("reference:"))
    expected, found, correct, wrong, missed = map(int, reference.split()[-5:])
    assert (expected, correct, missed) == (8, 8, 0)


# --- The admin screen -------------------------------------------------------------------------

ARTICLE_BODY = (
    "<p>Baotou has brought 2,333 experts onto the platform and released 1,135 scientific and "
    "technological achievements.</p><p>It also built three national science popularization "
    "education bases.</p>"
)


@pytest.fixture
def article(db):
    baotou = CityFactory(name="Baotou", slug="baotou")
    MetricFactory(name="Experts on the Innovation China platform", slug="experts", unit="experts")
    MetricFactory(name="Scientific and technological achievements released", slug="achievements")
    return ArticleFactory(body=ARTICLE_BODY, cities=[baotou], updated_on=date(2023, 7, 4))


def suggestion_post(article, rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def test_saving_an_article_offers_its_figures_but_stores_none(admin_client, article):
    data = article_post_data(
        article, summary="s", body=ARTICLE_BODY, cities=[article.cities.get().pk],
        change_kind="major", change_note="Figures added.",
    )  # fmt: skip
    response = admin_client.post(f"/admin/news/article/{article.pk}/change/", data, follow=True)
    html = response.content.decode()
    assert "3 figure(s) in the text are not recorded yet" in html
    assert f"/admin/news/article/{article.pk}/figures/" in html
    assert MetricValue.objects.count() == 0


def test_suggestion_screen_shows_each_figure_with_its_sentence_and_guess(admin_client, article):
    response = admin_client.get(f"/admin/news/article/{article.pk}/figures/")
    html = response.content.decode()
    forms = response.context["formset"].forms
    assert [form.initial["value"] for form in forms] == [2333, 1135, 3]
    assert forms[0].initial["metric"].slug == "experts"
    assert forms[0].initial["period"] == "2023" and forms[0].initial["city"].slug == "baotou"
    assert forms[2].initial["metric"] is None
    assert forms[2].initial["new_metric_name"] == "National science popularization education bases"
    assert "It also built three national science popularization education bases." in html
    assert MetricValue.objects.count() == 0


def keys_of(client, article) -> list[str]:
    response = client.get(f"/admin/news/article/{article.pk}/figures/")
    return [form.initial["key"] for form in response.context["formset"].forms]


def test_editor_accepts_edits_creates_a_metric_and_dismisses(admin_client, article):
    baotou = article.cities.get()
    experts = Metric.objects.get(slug="experts")
    keys = keys_of(admin_client, article)
    rows = [
        {"accept": "on", "value": "2333", "metric": experts.pk, "city": baotou.pk, "period": "2023",
         "key": keys[0]},
        {"value": "1135", "city": baotou.pk, "period": "2023", "key": keys[1]},  # dismissed
        {"accept": "on", "value": "3", "new_metric_name": "National bases", "new_metric_unit": "bases",
         "city": baotou.pk, "period": "2019-2023", "key": keys[2]},
    ]  # fmt: skip
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows)
    )
    assert response.status_code == 302
    stored = {
        (v.metric.name, v.value, v.period, v.source_article_id) for v in MetricValue.objects.all()
    }
    assert stored == {
        ("Experts on the Innovation China platform", 2333, "2023", article.pk),
        ("National bases", 3, "2019-2023", article.pk),
    }
    assert Metric.objects.get(name="National bases").unit == "bases"
    # Neither the recorded figures nor the dismissed one are suggested again; the dismissed
    # one is listed, to bring back.
    again = admin_client.get(f"/admin/news/article/{article.pk}/figures/")
    assert again.context["formset"].forms == []
    assert [review.value for review in again.context["dismissed"]] == [1135]
    assert "Suggest the ticked figures again" in again.content.decode()


def test_accepting_without_a_metric_is_a_form_error(admin_client, article):
    rows = [{"accept": "on", "value": "2333", "city": article.cities.get().pk, "period": "2023"}]
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows)
    )
    assert response.status_code == 200
    assert "Choose a metric or name a new one." in response.content.decode()
    assert MetricValue.objects.count() == 0


def test_a_figure_that_clashes_with_a_recorded_value_is_refused_whole(admin_client, article):
    baotou = article.cities.get()
    experts = Metric.objects.get(slug="experts")
    MetricValueFactory(metric=experts, city=baotou, period="2023", value=2000)
    achievements = Metric.objects.get(slug="achievements")
    rows = [
        {"accept": "on", "value": "1135", "metric": achievements.pk, "city": baotou.pk, "period": "2023"},
        {"accept": "on", "value": "2333", "metric": experts.pk, "city": baotou.pk, "period": "2023"},
    ]  # fmt: skip
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows)
    )
    assert "already has a value" in response.content.decode()
    assert MetricValue.objects.count() == 1


def test_writer_without_figure_rights_cannot_open_the_screen(client, article):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    writer = UserFactory(username="writer", is_staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(writer)
    assert client.get(f"/admin/news/article/{article.pk}/figures/").status_code == 403


@pytest.mark.parametrize("object_id", ["999999", "abc"])
def test_unknown_article_is_404(admin_client, object_id):
    assert admin_client.get(f"/admin/news/article/{object_id}/figures/").status_code == 404


# --- Figures linked in the article text -------------------------------------------------------


class Figure:
    def __init__(self, value, name, slug):
        self.value = Decimal(value)
        self.metric = type("Metric", (), {"name": name, "unit": "", "slug": slug})()


def linked(body, figures):
    from news.figures.suggest import link_figures

    return link_figures(body, figures, lambda figure: f"/metrics/{figure.metric.slug}/")


def test_each_recorded_figure_is_linked_once_where_the_text_reports_it():
    figures = [
        Figure(2333, "Experts on the Innovation China platform", "experts"),
        Figure(3, "National science popularisation education bases", "national-bases"),
        Figure(13, "Regional science popularisation education bases", "regional-bases"),
    ]
    body = (
        "<p>One of 39 cities, Baotou brought <strong>2,333 experts</strong> onto the platform "
        "and built three national science popularization education bases and 13 regional "
        "science popularization education bases; 2,333 is a record.</p>"
    )
    result = linked(body, figures)
    assert (
        '<strong><a class="figure-link" href="/metrics/experts/" title="Experts on the Innovation China platform">2,333</a> experts</strong>'
        in result
    )
    assert (
        '<a class="figure-link" href="/metrics/national-bases/" title="National science popularisation education bases">three</a> national'
        in result
    )
    assert (
        '<a class="figure-link" href="/metrics/regional-bases/" title="Regional science popularisation education bases">13</a> regional'
        in result
    )
    assert result.count("figure-link") == 3
    assert "One of 39 cities" in result


def test_numbers_already_in_a_link_or_not_recorded_stay_plain():
    figures = [Figure(514, "Certified innovation engineers", "engineers")]
    body = '<p><a href="/x/">514 engineers</a> and 17 forums.</p>'
    assert linked(body, figures) == body


def test_linking_keeps_entities_and_markup_intact():
    figures = [Figure(17, "High-end academic activities", "activities")]
    body = "<p>R&amp;D: <em>17 high-end academic activities</em> &lt;2023&gt;.</p>"
    assert linked(body, figures) == (
        '<p>R&amp;D: <em><a class="figure-link" href="/metrics/activities/" '
        'title="High-end academic activities">17</a> high-end academic activities</em> '
        "&lt;2023&gt;.</p>"
    )


def test_article_change_page_links_its_suggested_figures(admin_client, article):
    html = admin_client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert f'href="/admin/news/article/{article.pk}/figures/">Suggested figures</a>' in html


# --- The period each suggestion proposes --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("<p>The city trained 35 innovation engineers in 2024.</p>", "2024"),
        ("<p>By the end of 2023, Baotou had certified 514 engineers.</p>", "2023"),
        ("<p>2023年，包头 trained 35 innovation engineers.</p>", "2023"),
        ("<p>For 2023-2025 the plan funds 13 education bases.</p>", "2023-2025"),
        ("<p>In 2023-25 the city will open 13 education bases.</p>", "2023-2025"),
        ("<p>From 2019 to 2022 it held 17 academic events.</p>", "2019-2022"),
        ("<p>In 2021 it held 17 academic events, up from 12 forums in 2020.</p>", "2021"),
    ],
)
def test_a_suggestion_takes_its_period_from_its_sentence(text, period):
    assert find_figures(plain_text(text, keep_blocks=True))[0].period == period


def test_the_nearest_year_wins_and_a_sentence_without_one_takes_its_paragraphs_first():
    text = plain_text(
        "<p>In 2021 it held 17 academic events, up from 12 forums in 2020. It also opened "
        "three education bases.</p><p>It trained 35 engineers.</p>",
        keep_blocks=True,
    )
    assert [(f.value, f.period) for f in find_figures(text)] == [
        (17, "2021"), (12, "2020"), (3, "2021"), (35, ""),
    ]  # fmt: skip


def test_the_screen_proposes_the_sentence_year_else_the_article_date(
    admin_client, superuser, article
):
    article.body = "<p>In 2024 Baotou brought 2,400 experts onto the platform.</p>" + ARTICLE_BODY
    article = services.edit_article(
        article=article, by=superuser, opened_version=article.version, change_kind="minor"
    )
    forms = admin_client.get(f"/admin/news/article/{article.pk}/figures/").context["formset"]
    assert [(f.initial["value"], f.initial["period"]) for f in forms] == [
        (2400, "2024"), (2333, "2023"), (1135, "2023"), (3, "2023"),
    ]  # fmt: skip


def test_an_undated_draft_leaves_the_period_to_the_editor(admin_client, db):
    draft = ArticleFactory(
        body="<p>Baotou brought 2,333 experts onto the platform.</p>",
        status="draft", published_at=None, updated_on=None,
    )  # fmt: skip
    forms = admin_client.get(f"/admin/news/article/{draft.pk}/figures/").context["formset"]
    assert [form.initial["period"] for form in forms] == [""]


# --- Only ticked rows are checked; dismissals are remembered ------------------------------------


def test_unticked_rows_need_nothing_and_are_dismissed(admin_client, article):
    keys = keys_of(admin_client, article)
    experts = Metric.objects.get(slug="experts")
    rows = [
        {"accept": "on", "value": "2333", "metric": experts.pk,
         "city": article.cities.get().pk, "period": "2023", "key": keys[0]},
        {"value": "not a number", "city": "", "period": "whenever", "key": keys[1]},
        {"value": "", "city": "", "period": "", "key": keys[2]},
    ]  # fmt: skip
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows), follow=True
    )
    assert "1 figure(s) recorded; 2 suggestion(s) dismissed" in response.content.decode()
    assert MetricValue.objects.count() == 1
    assert sorted(r.value for r in ReviewedFigure.objects.filter(outcome="dismissed")) == [3, 1135]


def test_nonsense_periods_are_a_clear_error_and_the_typed_rows_stay(admin_client, article):
    keys = keys_of(admin_client, article)
    baotou = article.cities.get()
    experts = Metric.objects.get(slug="experts")
    rows = [
        {"accept": "on", "value": "2334", "metric": experts.pk, "city": baotou.pk,
         "period": "last year", "key": keys[0]},
        {"accept": "on", "value": "1136", "new_metric_name": "Achievements typed here",
         "city": baotou.pk, "period": "2025-2019", "key": keys[1]},
        {"accept": "on", "value": "3", "new_metric_name": "Bases", "city": baotou.pk,
         "period": "", "key": keys[2]},
    ]  # fmt: skip
    response = admin_client.post(
        f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“last year” is not a period: write a year (2023)" in html
    assert "“2025-2019” ends before it starts" in html
    assert "Give the period the figure covers" in html
    assert 'value="2334"' in html and 'value="Achievements typed here"' in html
    assert MetricValue.objects.count() == 0 and ReviewedFigure.objects.count() == 0


def test_dismissed_figures_do_not_come_back_when_the_article_is_saved_again(admin_client, article):
    keys = keys_of(admin_client, article)
    rows = [{"key": key} for key in keys]  # all dismissed
    admin_client.post(f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows))
    assert Article.objects.get(pk=article.pk).figures_awaiting == 0
    body = ARTICLE_BODY + "<p>It also held 17 academic events in 2023.</p>"
    data = article_post_data(
        article, summary="s", body=body, cities=[article.cities.get().pk],
        change_kind="major", change_note="One more figure.",
    )  # fmt: skip
    response = admin_client.post(f"/admin/news/article/{article.pk}/change/", data, follow=True)
    assert "1 figure(s) in the text are not recorded yet" in response.content.decode()
    forms = admin_client.get(f"/admin/news/article/{article.pk}/figures/").context["formset"]
    assert [form.initial["value"] for form in forms] == [17]


def test_a_dismissed_figure_can_be_brought_back(admin_client, article):
    keys = keys_of(admin_client, article)
    admin_client.post(
        f"/admin/news/article/{article.pk}/figures/",
        suggestion_post(article, [{"key": key} for key in keys]),
    )
    review = ReviewedFigure.objects.get(value=1135)
    url = f"/admin/news/article/{article.pk}/figures/bring-back/"
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, {"review": [review.pk]}, follow=True)
    assert "1 dismissed figure(s) are suggested again" in response.content.decode()
    assert [f.initial["value"] for f in response.context["formset"].forms] == [1135]
    assert Article.objects.get(pk=article.pk).figures_awaiting == 1


def test_a_recorded_figure_whose_value_is_deleted_is_suggested_again(admin_client, article):
    keys = keys_of(admin_client, article)
    experts = Metric.objects.get(slug="experts")
    rows = [{"accept": "on", "value": "2334", "metric": experts.pk,
             "city": article.cities.get().pk, "period": "2023", "key": keys[0]}]  # fmt: skip
    admin_client.post(f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows))
    # Recorded with a corrected value: the suggested 2,333 does not come back …
    assert 2333 not in [v for v in (f.initial["value"] for f in _forms(admin_client, article))]
    services.delete_records(records=list(MetricValue.objects.all()), by=None)
    # … until the value it was recorded as is deleted.
    assert [f.initial["value"] for f in _forms(admin_client, article)] == [2333, 1135, 3]


def _forms(client, article):
    return client.get(f"/admin/news/article/{article.pk}/figures/").context["formset"].forms


# --- Who may: the rule in news/roles.py, the button, the server and the service ----------------


def test_the_suggested_figures_button_shows_exactly_when_the_rule_allows(
    client, writer, other_writer, editor, records_admin
):
    own = ArticleFactory(author=writer, status="draft", published_at=None, body=ARTICLE_BODY)
    others = ArticleFactory(author=other_writer, status="draft", published_at=None)
    button = "Suggested figures</a>"
    for user, article, shown in [
        (writer, own, True), (writer, others, False), (editor, others, True),
        (records_admin, others, True),
    ]:  # fmt: skip
        client.force_login(user)
        response = client.get(f"/admin/news/article/{article.pk}/change/")
        assert (button in response.content.decode()) is shown, (user, article)
        assert may_confirm_figures(user, article) is shown
        figures = client.get(f"/admin/news/article/{article.pk}/figures/")
        assert figures.status_code == (200 if shown else 403), (user, article)


def test_a_writer_records_through_the_service_without_figure_permissions(writer, other_writer):
    own = ArticleFactory(author=writer, status="draft", published_at=None, body=ARTICLE_BODY)
    assert not writer.has_perm("news.add_metricvalue")
    figure = services.AcceptedFigure(
        city=CityFactory(), period="2023", value=Decimal(2333),
        metric=MetricFactory(name="Experts"),
    )  # fmt: skip
    stored = services.record_article_figures(article=own, figures=[figure], by=writer)
    assert [value.history.first().history_user for value in stored] == [writer]
    others = ArticleFactory(author=other_writer, status="draft", published_at=None)
    with pytest.raises(services.FigureError, match="permission"):
        services.record_article_figures(article=others, figures=[figure], by=writer)


@pytest.mark.parametrize("role", ["writer", "editor", "records_admin"])
def test_each_role_confirms_figures_through_the_admin(client, request, role):
    user = request.getfixturevalue(role)
    baotou = CityFactory(name="Baotou")
    MetricFactory(name="Experts on the Innovation China platform", slug="experts")
    body = (
        "<p>By the end of 2024, Baotou had brought 2,400 experts onto the platform.</p>"
        "<p>It also built three national science popularization education bases.</p>"
    )
    article = ArticleFactory(author=user, status="draft", published_at=None, updated_on=None,
                             body=body, cities=[baotou])  # fmt: skip
    client.force_login(user)
    assert Article.objects.get(pk=article.pk).figures_awaiting == 2
    response = client.get(f"/admin/news/article/{article.pk}/figures/")
    forms = response.context["formset"].forms
    assert [(f.initial["value"], f.initial["period"]) for f in forms] == [(2400, "2024"), (3, "")]
    rows = [
        {"accept": "on", "value": "2400", "metric": forms[0].initial["metric"].pk,
         "city": baotou.pk, "period": "2024", "key": forms[0].initial["key"]},
        {"key": forms[1].initial["key"]},  # unticked, no period: dismissed
    ]  # fmt: skip
    response = client.post(
        f"/admin/news/article/{article.pk}/figures/", suggestion_post(article, rows)
    )
    assert response.status_code == 302
    value = MetricValue.objects.get(source_article=article)
    assert (value.value, value.period, value.history.first().history_user) == (2400, "2024", user)
    assert Article.objects.get(pk=article.pk).figures_awaiting == 0


# --- The records admins' panels and the recount command -----------------------------------------


def panel_request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


#: Each panel: a count and the first PANEL_ITEMS rows, whatever the archive's size.
PANEL_MAX_QUERIES = 2


@pytest.mark.parametrize("articles", [2, 30])
def test_awaiting_confirmation_panel_is_bounded_and_links_to_the_suggestions(
    records_admin, articles, django_assert_max_num_queries
):
    from news.admin.dashboard_records import RECORDS_PANELS, awaiting_confirmation_panel
    from news.admin.panels import PANEL_ITEMS

    made = [ArticleFactory(body=ARTICLE_BODY) for _ in range(articles)]
    ArticleFactory(body="<p>No figures here.</p>")
    with django_assert_max_num_queries(PANEL_MAX_QUERIES):
        panel = awaiting_confirmation_panel(panel_request(records_admin))
    assert panel.count == articles and len(panel.items) == min(articles, PANEL_ITEMS)
    assert panel.items[0].url == f"/admin/news/article/{made[-1].pk}/figures/"
    assert panel.items[0].detail.startswith("3 figures")
    assert panel.more_url == "/admin/news/article/?figures_awaiting=yes"
    assert RECORDS_PANELS[0] is awaiting_confirmation_panel


@pytest.mark.parametrize("imports", [1, 12])
def test_latest_imports_panel_is_bounded_and_names_file_person_and_counts(
    records_admin, imports, django_assert_max_num_queries
):
    from news import csv_io
    from news.admin.dashboard_records import latest_imports_panel

    city, metric = CityFactory(slug="baotou"), MetricFactory(slug="experts")
    for number in range(imports):
        csv_io.import_metric_values(
            data=f"metric,city,period,value,source_article,source_note\n"
            f"{metric.slug},{city.slug},{2000 + number},{number},,Yearbook\n".encode(),
            by=records_admin,
            file_name=f"figures-{number}.csv",
        )
    with django_assert_max_num_queries(PANEL_MAX_QUERIES):
        panel = latest_imports_panel(panel_request(records_admin))
    assert panel.count == imports
    assert panel.items[0].label == f"Metric values from figures-{imports - 1}.csv"
    assert "by rita-records" in panel.items[0].detail
    assert panel.items[0].detail.endswith("1 row(s): 1 created, 0 changed, 0 unchanged")


def test_refresh_figure_counts_fills_the_count_for_existing_articles(article):
    Article.objects.update(figures_awaiting=0)  # as after the upgrade
    out = StringIO()
    call_command("refresh_figure_counts", stdout=out)
    assert Article.objects.get(pk=article.pk).figures_awaiting == 3
    assert "1 article(s) recounted; 1 have figures awaiting confirmation." in out.getvalue()
