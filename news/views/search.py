"""The search page: public articles ranked by relevance with highlighted passages, and cities."""

from django.core.paginator import Paginator
from django.shortcuts import render

from news.forms import SearchForm, filter_choices
from news.models import Article, City
from news.search.query import parse_query, search_articles, snippets_for, suggest_spelling

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_CITIES = 10


def search(request):
    """/search/?q=: public articles ranked by relevance with highlighted passages, and cities."""
    form = SearchForm(request.GET or None, choices=filter_choices(request, SearchForm))
    is_valid = form.is_bound and form.is_valid()
    parsed = form.parsed_query() if is_valid else parse_query("")
    public = Article.objects.public()
    articles, cities = Article.objects.none(), City.objects.none()
    if is_valid and not parsed.is_empty:
        articles = search_articles(public.filtered(**form.filters()), parsed).with_listing_data()
        cities = City.objects.matching(parsed.terms).order_by("name")[:SEARCH_MAX_CITIES]
    page = Paginator(articles, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    snippets = snippets_for(page.object_list, parsed)
    cities = list(cities)
    suggestion = ""
    if is_valid and not parsed.is_empty and not page.paginator.count and not cities:
        suggestion = suggest_spelling(parsed, public)
    context = {
        "form": form,
        "query": parsed.text,
        "page_obj": page,
        "results": [(article, snippets.get(article.pk, "")) for article in page.object_list],
        "cities": cities,
        "suggestion": suggestion,
    }
    status = 400 if form.is_bound and not is_valid else 200
    return render(request, "news/search.html", context, status=status)
