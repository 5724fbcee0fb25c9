"""The query side of search: parsing, matching, ranking, snippets and spelling suggestions.

On PostgreSQL (`uses_full_text()`, the one vendor check, in index.py) queries run against the
stored vector with `ts_rank`, `ts_headline` snippets and trigram suggestions. SQLite runs the same
search page with a contains match over the same fields, so `make run` still searches.

Both paths accept web-search syntax: words, "quoted phrases", -excluded words and `or`.
Chinese has no spaces between words, so on both databases a query containing CJK characters
also matches by substring.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from news.models import Article
from news.sanitise import plain_text

from .index import SEARCH_CONFIG, uses_full_text

#: Queries longer than this are cut, so a pasted essay is a normal (if odd) search.
MAX_QUERY_LENGTH = 200
#: At most this many words take part; the rest are ignored.
MAX_TERMS = 12
#: Characters either side of the first match in a snippet made in Python.
SNIPPET_RADIUS = 90
#: Markers ts_headline puts around matches; private-use characters no article contains.
START_MARK, STOP_MARK = "\ue000", "\ue001"
#: Minimum trigram similarity for a spelling suggestion.
SUGGESTION_THRESHOLD = 0.3
#: Ranking looks at this many newest matches (see search_articles).
SEARCH_WINDOW = 1000
#: Suggestions come from the words of this many newest public articles, which bounds their cost.
SUGGESTION_SOURCE_ARTICLES = 2000

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN_OR_OTHER = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)
TOKEN = re.compile(r'-?"[^"]*"?|\S+')
WORD_EDGE_PUNCTUATION = "\"'.,;:!?()[]{}<>«»“”‘’、，。；：！？（）《》"


@dataclass
class ParsedQuery:
    """A web-search query: any one of `groups` (each a list of words/phrases that must all
    appear) matches, and none of `excluded` may appear."""

    text: str = ""
    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return [term for group in self.groups for term in group]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def has_cjk(self) -> bool:
        return bool(CJK.search(self.text))


def clean_query(raw: str) -> str:
    """Collapse whitespace, drop control characters and cut to MAX_QUERY_LENGTH."""
    text = "".join(char if char.isprintable() else " " for char in raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def parse_query(raw: str) -> ParsedQuery:
    """Split a query the way web search engines do: "a phrase", -word, word or word."""
    text = clean_query(raw)
    parsed = ParsedQuery(text=text)
    current: list[str] = []
    for token in TOKEN.findall(text)[: MAX_TERMS * 2]:
        if token.lower() == "or":
            if current:
                parsed.groups.append(current)
                current = []
            continue
        negative = token.startswith("-") and len(token) > 1
        term = token[1:] if negative else token
        term = term.strip(WORD_EDGE_PUNCTUATION).strip()
        if not term or not any(char.isalnum() for char in term):
            continue
        if negative:
            parsed.excluded.append(term)
        elif len(parsed.terms) + len(current) < MAX_TERMS:
            current.append(term)
    if current:
        parsed.groups.append(current)
    return parsed


def contains_match(term: str) -> Q:
    """Articles whose title, summary, body, tags or city names contain `term`."""
    related = Article.objects.filter(
        Q(tags__name__icontains=term)
        | Q(cities__name__icontains=term)
        | Q(cities__name_zh__icontains=term)
    ).values("pk")
    return (
        Q(title__icontains=term)
        | Q(summary__icontains=term)
        | Q(body__icontains=term)
        | Q(pk__in=related)
    )


def contains_condition(parsed: ParsedQuery) -> Q:
    condition = Q()
    for group in parsed.groups:
        group_condition = Q()
        for term in group:
            group_condition &= contains_match(term)
        condition |= group_condition
    for term in parsed.excluded:
        condition &= ~contains_match(term)
    return condition


def search_articles(queryset, parsed: ParsedQuery):
    """`queryset` narrowed to matches for `parsed`, best first, with a `rank` annotation.

    Only the newest SEARCH_WINDOW matches are ranked: a common word matches most of the
    archive, and ranking every match would cost more with every article published. Readers of
    news want the recent stories among equally good ones, and the cost stays constant.
    """
    if parsed.is_empty:
        return queryset.none()
    if uses_full_text():
        query = _search_query(parsed)
        condition = Q(search_vector=query)
        if any(CJK.fullmatch(term) for term in parsed.terms):
            # A single Chinese character is not a bigram: match it by substring as well.
            condition |= contains_condition(parsed)
        rank = SearchRank(F("search_vector"), query)
    else:
        condition = contains_condition(parsed)
        # Contains match: a title match outranks a summary match, which outranks the rest.
        rank = Case(
            When(_any_term(parsed, "title__icontains"), then=Value(3.0)),
            When(_any_term(parsed, "summary__icontains"), then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    window = queryset.filter(condition).newest_first().values("pk")[:SEARCH_WINDOW]
    return (
        queryset.model.objects.filter(pk__in=window)
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-pk")
    )


def _any_term(parsed: ParsedQuery, lookup: str) -> Q:
    condition = Q()
    for term in parsed.terms:
        condition |= Q(**{lookup: term})
    return condition


def _search_query(parsed: ParsedQuery):
    """English web-search syntax as PostgreSQL parses it; terms with Chinese become bigram
    phrases (see BIGRAMS_FUNCTION_SQL), combined with the same and/or/not structure."""
    if not parsed.has_cjk:
        return SearchQuery(parsed.text, search_type="websearch", config=SEARCH_CONFIG)
    query = None
    for group in parsed.groups:
        group_query = None
        for term in group:
            term_query = _term_query(term)
            group_query = term_query if group_query is None else group_query & term_query
        query = group_query if query is None else query | group_query
    for term in parsed.excluded:
        query &= ~_term_query(term)
    return query


def _term_query(term: str):
    query = None
    for piece in CJK_RUN_OR_OTHER.findall(term):
        if CJK.match(piece):
            bigrams = [piece[index : index + 2] for index in range(max(len(piece) - 1, 1))]
            raw = " <-> ".join(f"'{bigram}'" for bigram in bigrams)
            if len(piece) == 1:
                raw = f"'{piece}':*"
            piece_query = SearchQuery(raw, search_type="raw", config="simple")
        elif any(char.isalnum() for char in piece):
            piece_query = SearchQuery(piece, search_type="phrase", config=SEARCH_CONFIG)
        else:
            continue
        query = piece_query if query is None else query & piece_query
    return query if query is not None else SearchQuery(term, config=SEARCH_CONFIG)


def snippets_for(articles, parsed: ParsedQuery) -> dict[int, SafeString]:
    """Highlighted passages for a page of articles, keyed by primary key; one query at most."""
    articles = list(articles)
    if not articles or parsed.is_empty:
        return {}
    headlines = {}
    if uses_full_text():
        headlines = _headlines([article.pk for article in articles], parsed)
    snippets = {}
    for article in articles:
        headline = headlines.get(article.pk, "")
        if START_MARK in headline:
            snippets[article.pk] = _marked(headline)
        else:
            snippets[article.pk] = python_snippet(
                f"{article.summary} {plain_text(article.body)}", parsed.terms
            )
    return snippets


def _headlines(pks: list[int], parsed: ParsedQuery) -> dict[int, str]:
    document = Concat(
        F("summary"), Value(" "), plain_text_expression("body"), output_field=TextField()
    )
    headline = SearchHeadline(
        document,
        _search_query(parsed),
        config=SEARCH_CONFIG,
        start_sel=START_MARK,
        stop_sel=STOP_MARK,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    rows = Article.objects.filter(pk__in=pks).annotate(headline=headline)
    return dict(rows.values_list("pk", "headline"))


def plain_text_expression(field_name: str):
    """SQL for an HTML field's text: tags replaced by spaces (PostgreSQL only)."""
    return Func(
        F(field_name),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _marked(headline: str) -> SafeString:
    """ts_headline output (text, with our private markers) as safe HTML with <mark>."""
    html = escape(plain_text(headline)).replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
    return mark_safe(html)  # all but our <mark> is escaped


def python_snippet(text: str, terms: list[str]) -> SafeString:
    """A window of `text` around the first term found, escaped, with every term in <mark>."""
    lowered = text.lower()
    found = [(lowered.find(term.lower()), term) for term in terms if term]
    found = [(index, term) for index, term in found if index >= 0]
    if found:
        first = min(index for index, _term in found)
        start = max(0, first - SNIPPET_RADIUS)
        end = min(len(text), first + SNIPPET_RADIUS * 2)
    else:
        start, end = 0, SNIPPET_RADIUS * 2
    window = text[start:end]
    pattern = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True) if term)
    pieces = re.split(f"({pattern})", window, flags=re.IGNORECASE) if pattern else [window]
    html = "".join(
        f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
        for index, piece in enumerate(pieces)
    )
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # every piece is escaped


def suggest_spelling(parsed: ParsedQuery, public_articles) -> str:
    """A corrected query from words in public titles and summaries (PostgreSQL trigrams), or ''."""
    if not uses_full_text() or parsed.is_empty or parsed.has_cjk:
        return ""
    source = public_articles.order_by("-published_at").values("pk")[:SUGGESTION_SOURCE_ARTICLES]
    sql, params = source.query.sql_with_params()
    words_sql = (
        "SELECT word FROM (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('simple', "
        "a.title || ' ' || a.summary))) AS word FROM news_article a "
        f"WHERE a.id IN ({sql})) AS words "
        "WHERE similarity(word, %s) > %s ORDER BY similarity(word, %s) DESC, word LIMIT 1"
    )
    changed, corrected = False, []
    with connection.cursor() as cursor:
        for term in parsed.terms[:5]:
            replacement = term
            if " " not in term and len(term) >= 3:
                cursor.execute(
                    words_sql, [*params, term.lower(), SUGGESTION_THRESHOLD, term.lower()]
                )
                row = cursor.fetchone()
                if row and row[0] != term.lower():
                    replacement, changed = row[0], True
            corrected.append(replacement)
    return " ".join(corrected) if changed else ""
