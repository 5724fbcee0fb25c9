"""Figure suggestions: reading figures out of article text, and the admin screen where an editor
accepts, edits or dismisses them (nothing is stored before that)."""

import os
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from news.figures.suggest import find_figures, score_suggestions, suggest_figures
from news.models import Metric, MetricValue
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


def test_editor_accepts_edits_creates_a_metric_and_dismisses(admin_client, article):
    baotou = article.cities.get()
    experts = Metric.objects.get(slug="experts")
    rows = [
        {"accept": "on", "value": "2333", "metric": experts.pk, "city": baotou.pk, "period": "2023"},
        {"value": "1135", "city": baotou.pk, "period": "2023"},  # dismissed
        {"accept": "on", "value": "3", "new_metric_name": "National bases", "new_metric_unit": "bases",
         "city": baotou.pk, "period": "2019-2023"},
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
    # Recorded figures are not suggested again; the dismissed one still is.
    again = admin_client.get(f"/admin/news/article/{article.pk}/figures/")
    assert [form.initial["value"] for form in again.context["formset"].forms] == [1135]


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
