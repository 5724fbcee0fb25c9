"""factory_boy factories for the newsroom's models."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from news import services
from news.models import Article, City, Designation, Metric, MetricValue, Programme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"Testcity {n}")
    name_zh = factory.Sequence(lambda n: f"测试市{n}")
    province = "Inner Mongolia"
    level = City.Level.PREFECTURE


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Test programme {n}")
    issuing_body = "China Association for Science and Technology"
    start_year = 2023
    end_year = 2025


class ArticleFactory(factory.django.DjangoModelFactory):
    """Articles made through services.create_article, as the admin and the demo make them:
    first revision, "created" event, renditions and search vector included."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Test article {n}")
    summary = "A short summary."
    body = "<p>Body text.</p>"
    kind = Article.Kind.NEWS
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @classmethod
    def _create(cls, model_class, *args, cities=None, programmes=None, tags=None, **kwargs):
        return services.create_article(
            article=model_class(*args, **kwargs),
            by=kwargs.get("author"),
            cities=cities,
            programmes=programmes,
            tags=tags,
        )


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.SubFactory(CityFactory)
    status = Designation.Status.APPROVED
    announced_on = date(2023, 7, 4)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    name = factory.Sequence(lambda n: f"Test metric {n}")
    unit = "people"


class MetricValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricValue

    metric = factory.SubFactory(MetricFactory)
    city = factory.SubFactory(CityFactory)
    period = "2023"
    value = Decimal("2333")
    source_note = "Test note"
