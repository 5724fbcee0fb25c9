"""The search page: public articles ranked by relevance with highlighted passages, and cities."""

from django.core.paginator import Paginator
from django.shortcuts import render

from news.caching import cached
from news.forms import SearchForm, filter_choices, form_query
from news.models import Article, City
from news.search.query import (
    SEARCH_WINDOW,
    parse_query,
    search_articles,
    snippets_for,
    suggest_spelling,
)
from news.views.lists import lazy

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_CITIES = 10


def search(request):
    """/search/?q=: public articles ranked by relevance with highlighted passages, and cities.

    The ranked list of matches (ids and ranks) is computed once per query and generation;
    each page then reads just its own articles.
    """
    form = SearchForm(request.GET or None, choices=filter_choices(request, SearchForm))
    is_valid = form.is_bound and form.is_valid()
    parsed = form.parsed_query() if is_valid else parse_query("")
    public = Article.objects.public()
    ranked_ids, searching = [], is_valid and not parsed.is_empty
    if searching:
        filters = form.filters()
        ranked_ids = cached(
            request,
            "search",
            parsed.text,
            form_query(form),
            build=lambda: list(
                search_articles(public.filtered(**filters), parsed).values_list("pk", "rank")
            ),
        )
    page = Paginator(ranked_ids, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))

    # Read only when the results' cached fragment is drawn again (see the template).
    def results():
        ranks = dict(page.object_list)
        found = public.with_listing_data().in_bulk(list(ranks))
        articles = [found[pk] for pk in ranks if pk in found]
        for article in articles:
            article.rank = ranks[article.pk]
        snippets = snippets_for(articles, parsed)
        return [(article, snippets.get(article.pk, "")) for article in articles]

    def matching_cities():
        if not searching:
            return []
        return list(City.objects.matching(parsed.terms).order_by("name")[:SEARCH_MAX_CITIES])

    cities = lazy(matching_cities)
    context = {
        "form": form,
        "query": parsed.text,
        "page_obj": page,
        "results": lazy(results),
        "more_than_ranked": len(ranked_ids) >= SEARCH_WINDOW,
        "ranked_limit": SEARCH_WINDOW,
        "cities": cities,
        "suggestion": lazy(
            lambda: (
                suggest_spelling(parsed, public)
                if searching and not ranked_ids and not cities
                else ""
            )
        ),
    }
    status = 400 if form.is_bound and not is_valid else 200
    return render(request, "news/search.html", context, status=status)
