"""Model rules: names and slugs, division codes, sanitised bodies, sourced figures."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from news.models import City
from news.models import Image as LibraryImage
from tests.factories import ArticleFactory, CityFactory, MetricValueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["15020", "1502000", "15020a", "ABCDEF"])
def test_division_code_must_be_six_digits(code):
    city = City(name="Baotou", province="Inner Mongolia", division_code=code)
    with pytest.raises(ValidationError, match="six digits"):
        city.full_clean()


def test_division_code_is_unique_when_present_and_optional():
    CityFactory(division_code="150200")
    CityFactory(division_code="")
    CityFactory(division_code=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CityFactory(division_code="150200")


def test_city_slug_comes_from_english_name_or_pinyin():
    assert CityFactory(name="Xi'an", slug="").slug == "xian"
    assert CityFactory(name="", name_zh="包头市", slug="").slug == "baotou"
    assert CityFactory(name="Xi'an", slug="").slug == "xian-2"


def test_city_needs_a_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        City.objects.create(name="", name_zh="", province="x", slug="x")


def test_article_body_is_sanitised_on_save():
    article = ArticleFactory(
        body='<h2 style="color:red">Hi</h2><a href="javascript:alert(1)">x</a>'
        '<iframe src="https://evil.example"></iframe><img src=x onerror=alert(1)>'
    )
    assert article.body == '<h2>Hi</h2><a rel="noopener noreferrer">x</a>'


def test_image_focal_point_needs_both_coordinates():
    with pytest.raises(ValidationError, match="both across and down"):
        LibraryImage(title="x", alt_text="x", focal_x=0.3).clean()


def test_figure_needs_a_source():
    value = MetricValueFactory.build(source_note="", source_article=None)
    with pytest.raises(ValidationError, match="source"):
        value.clean()


def test_one_value_per_metric_city_and_period():
    value = MetricValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricValueFactory(metric=value.metric, city=value.city, period=value.period)
