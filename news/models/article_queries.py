"""The read rules for articles: who may see what (public, reachable), what each page fetches
(listing, detail, related reading, neighbours), the list filters, and the newsroom's desk (what
waits in the admin: scheduled, returned, the latest workflow step)."""

from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .register import City
from .visibility import reachable_condition, visible_condition

#: Related reading comes from this many newest articles, which bounds its cost.
RELATED_WINDOW = 1000
#: Earlier than any article: the window's start when there are fewer articles than that.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
#: What a link to an article needs: its title and the parts of its address.
LINK_FIELDS = ("pk", "title", "slug", "kind", "published_at", "created_at")


class ArticleQuerySet(models.QuerySet):
    def public(self):
        """Published, due and not expired: the single rule every public page, feed and count uses.

        Scheduling and expiry need no job: the time comparison happens in every query.
        """
        return self.filter(visible_condition(timezone.now()))

    def reachable(self):
        """What answers at its own address: public articles and withdrawn ones (with a notice)."""
        return self.filter(reachable_condition(timezone.now()))

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_listing_data(self):
        """Everything an article card shows (its cities, not its tags), in a fixed number of
        queries."""
        return (
            self.select_related("author", "hero")
            .prefetch_related(
                Prefetch("cities", queryset=City.objects.only("pk", "name", "name_zh", "slug"))
            )
            .defer("search_vector")
        )

    def with_detail_data(self):
        """What the article page's head needs besides the article: its author, hero and tags."""
        return self.select_related("author", "hero").prefetch_related("tags").defer("search_vector")

    def showing_image(self, image):
        """Articles that show a library image: as their hero, or in their text (the editor's
        Image button writes data-image-id="<id>" into the <img>; the quotes keep 5 from 50)."""
        return self.filter(Q(hero=image) | Q(body__contains=f'data-image-id="{image.pk}"'))

    def for_city(self, city):
        return self.filtered(city=city)

    def for_programme(self, programme):
        return self.filtered(programme=programme)

    def reporting(self, metric):
        """Articles that are the source of at least one value of `metric`."""
        return self.filter(pk__in=metric.values.values("source_article"))

    def related_to(self, article, *, cities, programmes, tags):
        """Of the newest RELATED_WINDOW articles in this queryset, those sharing one of
        `cities`, `programmes` or `tags` (the ones `article`'s page has already loaded).

        Read newest first, each candidate is tested with one indexed probe per kind of link
        (a scalar subquery, which the database cannot turn into a hash of every article that
        shares a popular tag), so the query stops at its first matches; the window bounds the
        rare case where few articles share anything. The cost does not grow with the archive.
        """
        from taggit.models import TaggedItem

        probes = []
        if cities:
            probes.append(
                self.model.cities.through.objects.filter(
                    article_id=OuterRef("pk"), city_id__in=[city.pk for city in cities]
                )
            )
        if programmes:
            probes.append(
                self.model.programmes.through.objects.filter(
                    article_id=OuterRef("pk"),
                    programme_id__in=[programme.pk for programme in programmes],
                )
            )
        if tags:
            probes.append(
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    object_id=OuterRef("pk"),
                    tag_id__in=[tag.pk for tag in tags],
                )
            )
        if not probes:
            return self.none()
        shares = {
            f"shares_{index}": Subquery(probe.values("pk")[:1])
            for index, probe in enumerate(probes)
        }
        condition = Q()
        for name in shares:
            condition |= Q(**{f"{name}__isnull": False})
        window_start = self.newest_first().values("published_at")[
            RELATED_WINDOW - 1 : RELATED_WINDOW
        ]
        return (
            self.alias(**shares)
            .filter(condition, published_at__gte=Coalesce(Subquery(window_start), Value(EARLIEST)))
            .exclude(pk=article.pk)
        )

    def previous_of_kind(self, article):
        """The article of the same kind published just before `article`, or None (a range on
        the kind's publication index, fetching only what a link needs)."""
        earlier = self.filter(kind=article.kind, published_at__lte=article.published_at).exclude(
            published_at=article.published_at, pk__gte=article.pk
        )
        return earlier.only(*LINK_FIELDS).order_by("-published_at", "-pk").first()

    def next_of_kind(self, article):
        later = self.filter(kind=article.kind, published_at__gte=article.published_at).exclude(
            published_at=article.published_at, pk__lte=article.pk
        )
        return later.only(*LINK_FIELDS).order_by("published_at", "pk").first()

    # --- the desk: what waits for someone in the admin (news/admin/dashboard.py) -------------

    def scheduled(self):
        """Published with a publish time still to come (Article.is_scheduled): public() starts
        showing each one when its time arrives."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())

    def published_since(self, moment):
        """Public articles that went public at `moment` or later."""
        return self.public().filter(published_at__gte=moment)

    def with_last_step(self):
        """Each article with its latest workflow step (ArticleEvent.STEPS) as `last_step`,
        `last_step_at`, `last_step_by` (a username) and `last_step_note`: who submitted an
        article in review and when, or the note an editor returned a draft with."""
        from .history import ArticleEvent

        steps = ArticleEvent.objects.filter(
            article=OuterRef("pk"), action__in=ArticleEvent.STEPS
        ).order_by("-at", "-pk")
        return self.annotate(
            last_step=Subquery(steps.values("action")[:1]),
            last_step_at=Subquery(steps.values("at")[:1]),
            last_step_by=Subquery(steps.values("by__username")[:1]),
            last_step_note=Subquery(steps.values("note")[:1]),
        )

    def returned(self):
        """Drafts an editor sent back to their writer and nobody has moved on since: their
        latest workflow step is the return."""
        from .history import ArticleEvent

        return (
            self.filter(status=self.model.Status.DRAFT)
            .with_last_step()
            .filter(last_step=ArticleEvent.Action.RETURNED)
        )

    def carried_tags(self):
        """Tags that at least one article of this queryset carries: for each tag, its tagged
        items are probed until one belongs to such an article (a popular tag stops at once)."""
        from taggit.models import Tag, TaggedItem

        carriers = self.filter(pk=OuterRef("object_id"))
        tagged = TaggedItem.objects.filter(
            tag=OuterRef("pk"), content_type=ContentType.objects.get_for_model(self.model)
        ).filter(Exists(carriers))
        return Tag.objects.filter(Exists(tagged))

    def filtered(self, *, kind=None, city=None, programme=None, tag=None, year=None):
        """Apply the news list filters; each given filter narrows the result.

        A city, programme or tag is an EXISTS test (a semi-join), never a join: the database
        then reads a popular tag's newest articles first and a rare tag's few articles
        directly, and no article appears twice.
        """
        from taggit.models import TaggedItem

        queryset = self
        if kind:
            queryset = queryset.filter(kind=kind)
        if city is not None:
            links = self.model.cities.through.objects.filter(article_id=OuterRef("pk"), city=city)
            queryset = queryset.filter(Exists(links))
        if programme is not None:
            links = self.model.programmes.through.objects.filter(
                article_id=OuterRef("pk"), programme=programme
            )
            queryset = queryset.filter(Exists(links))
        if tag is not None:
            links = TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=OuterRef("pk"),
                tag=tag,
            )
            queryset = queryset.filter(Exists(links))
        if year:
            queryset = queryset.filter(published_at__year=year)
        return queryset


def attach_tag_names(articles) -> None:
    """Give each article a `tag_names` list, for all of them in one query (taggit's own
    prefetch builds a queryset per article, which dominated the cost of a feed)."""
    from taggit.models import TaggedItem

    if not articles:
        return
    names: dict[int, list[str]] = {article.pk: [] for article in articles}
    rows = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(type(articles[0])),
            object_id__in=list(names),
        )
        .order_by("tag__name")
        .values_list("object_id", "tag__name")
    )
    for pk, name in rows:
        names[pk].append(name)
    for article in articles:
        article.tag_names = names[article.pk]
