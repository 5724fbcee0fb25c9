"""Read rules: the one definition of what the public may see, and what each page fetches."""

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def _visible_condition(self, now) -> Q:
        """Published, due and not expired at `now` (Article.is_public is the in-memory twin)."""
        return Q(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=self.model.Status.PUBLISHED,
            published_at__lte=now,
        )

    def public(self):
        """Published, due and not expired: the single rule every public page, feed and count uses.

        Scheduling and expiry need no job: the time comparison happens in every query.
        """
        return self.filter(self._visible_condition(timezone.now()))

    def reachable(self):
        """What answers at its own address: public articles and withdrawn ones (with a notice)."""
        now = timezone.now()
        return self.filter(
            self._visible_condition(now)
            | Q(status=self.model.Status.WITHDRAWN, published_at__lte=now)
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_listing_data(self):
        """Everything an article card shows, in a fixed number of queries."""
        from .models import City

        return (
            self.select_related("author")
            .prefetch_related(
                Prefetch("cities", queryset=City.objects.only("pk", "name", "name_zh", "slug")),
                "tags",
            )
            .defer("search_vector")
        )

    def for_city(self, city):
        return self.filter(cities=city)

    def related_to(self, article):
        """Other articles sharing a city, programme or tag with `article` (one query, no joins
        that multiply rows)."""
        from taggit.models import TaggedItem

        from .models import Article

        tag_ids = TaggedItem.objects.filter(
            content_type__app_label="news", content_type__model="article", object_id=article.pk
        ).values("tag_id")
        sharing = Article.objects.filter(
            Q(cities__articles=article) | Q(programmes__articles=article) | Q(tags__in=tag_ids)
        ).values("pk")
        return self.filter(pk__in=sharing).exclude(pk=article.pk)

    def previous_of_kind(self, article):
        """The public article of the same kind published just before `article`, or None."""
        earlier = Q(published_at__lt=article.published_at) | Q(
            published_at=article.published_at, pk__lt=article.pk
        )
        return self.filter(earlier, kind=article.kind).order_by("-published_at", "-pk").first()

    def next_of_kind(self, article):
        later = Q(published_at__gt=article.published_at) | Q(
            published_at=article.published_at, pk__gt=article.pk
        )
        return self.filter(later, kind=article.kind).order_by("published_at", "pk").first()

    def for_programme(self, programme):
        return self.filter(programmes=programme)

    def filtered(self, *, kind=None, city=None, programme=None, tag=None, year=None):
        """Apply the news list filters; each given filter narrows the result."""
        queryset = self
        if kind:
            queryset = queryset.filter(kind=kind)
        if city is not None:
            queryset = queryset.filter(cities=city)
        if programme is not None:
            queryset = queryset.filter(programmes=programme)
        if tag is not None:
            queryset = queryset.filter(tags=tag)
        if year:
            queryset = queryset.filter(published_at__year=year)
        # Each relation filter matches one related row per article, so no duplicates arise.
        return queryset


class CityQuerySet(models.QuerySet):
    def provinces(self) -> list[str]:
        """Every province that has a city, in alphabetical order (one query)."""
        return list(self.order_by("province").values_list("province", flat=True).distinct())

    def matching(self, terms):
        """Cities whose English or Chinese name or province contains any of `terms`."""
        condition = Q()
        for term in terms:
            condition |= (
                Q(name__icontains=term) | Q(name_zh__icontains=term) | Q(province__icontains=term)
            )
        return self.filter(condition) if terms else self.none()

    def by_province(self):
        return self.order_by("province", "name", "name_zh")

    def with_public_article_counts(self):
        from .models import Article

        public_ids = Article.objects.public().values("pk")
        return self.annotate(
            public_article_count=Count("articles", filter=Q(articles__in=public_ids), distinct=True)
        )


class DesignationQuerySet(models.QuerySet):
    def with_listing_data(self):
        return self.select_related("programme", "city", "source_article")

    def newest_first(self):
        return self.order_by("-announced_on", "programme__name", "city__name")

    def filtered(self, *, programme=None, status=None, province=None, year=None):
        """Apply the announcements list filters; each given filter narrows the result."""
        queryset = self
        if programme is not None:
            queryset = queryset.filter(programme=programme)
        if status:
            queryset = queryset.filter(status=status)
        if province:
            queryset = queryset.filter(city__province=province)
        if year:
            queryset = queryset.filter(announced_on__year=year)
        return queryset


class MetricValueQuerySet(models.QuerySet):
    def with_listing_data(self):
        return self.select_related("metric", "city", "source_article")

    def shown_to_public(self):
        """Values the public may see: sourced to a public article, or carrying a source note.

        A value whose only source is an unpublished article stays hidden with that article.
        """
        from .models import Article

        return self.filter(
            Q(source_article__in=Article.objects.public().values("pk")) | ~Q(source_note="")
        )

    def periods(self) -> list[str]:
        """The distinct periods of these values, oldest first (one query)."""
        from .periods import period_sort_key

        found = self.order_by("period").values_list("period", flat=True).distinct()
        return sorted(found, key=period_sort_key)

    def in_display_order(self):
        return self.order_by("metric__name", "city__name", "period")
