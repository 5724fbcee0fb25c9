"""The stored search index: SQL only, so it imports no model and migrations can use it.

PostgreSQL keeps a weighted, GIN-indexed vector per article (title A, summary and the cities and
tags B, body C) with Chinese runs also indexed as bigrams. Everything vendor-specific starts with
the one check, `uses_full_text()`; on SQLite every function here is a no-op.
"""

from django.db import connection

#: The text search configuration: English stemming ("cities" finds "city").
SEARCH_CONFIG = "english"


def uses_full_text(connection_=None) -> bool:
    """The one vendor check: PostgreSQL gets full text search, every other database does not."""
    return (connection_ or connection).vendor == "postgresql"


def refresh_search_vectors(pks) -> None:
    """Recompute the stored search vector of the given articles (PostgreSQL; a no-op elsewhere).

    The article services call it once per create, edit or restore, after cities and tags are
    saved; bulk paths (imports, rebuild_search_index, seed data) call it once per batch.
    """
    pks = list(pks)
    if not pks or not uses_full_text():
        return
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL, {"config": SEARCH_CONFIG, "ids": pks})


def refresh_articles_about(city_ids) -> None:
    """Re-index the articles about these cities, whose names are part of each article's
    document: call it after renaming cities (admin, CSV import)."""
    city_ids = list(city_ids)
    if not city_ids or not uses_full_text():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT article_id FROM news_article_cities WHERE city_id = ANY(%s::bigint[])",
            [city_ids],
        )
        pks = [row[0] for row in cursor.fetchall()]
    refresh_search_vectors(pks)


#: Chinese has no spaces, so the English parser sees a whole run of characters as one word.
#: Each run is also indexed as overlapping two-character words ("示范城市" → 示范 范城 城市),
#: and a Chinese query becomes a phrase of its bigrams: substring search through the GIN index.
BIGRAMS_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION cityinno_cjk_bigrams(source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(run.parts[1], position, 2), ' '
                             ORDER BY run.number, position), '')
  FROM regexp_matches(coalesce(source, ''), '[㐀-䶿一-鿿豈-﫿]+', 'g')
       WITH ORDINALITY AS run(parts, number),
       generate_series(1, greatest(char_length(run.parts[1]) - 1, 1)) AS position
$$
"""

REFRESH_SQL = """
UPDATE news_article AS a SET search_vector =
  setweight(to_tsvector(%(config)s::regconfig, source.title), 'A')
  || setweight(to_tsvector(%(config)s::regconfig, source.summary || ' ' || source.names), 'B')
  || setweight(to_tsvector(%(config)s::regconfig, source.body), 'C')
  || setweight(to_tsvector('simple', cityinno_cjk_bigrams(source.title)), 'A')
  || setweight(to_tsvector('simple',
       cityinno_cjk_bigrams(source.summary || ' ' || source.names)), 'B')
  || setweight(to_tsvector('simple', cityinno_cjk_bigrams(source.body)), 'C')
FROM (
  SELECT b.id,
         coalesce(b.title, '') AS title,
         coalesce(b.summary, '') AS summary,
         regexp_replace(coalesce(b.body, ''), '<[^>]+>', ' ', 'g') AS body,
         concat_ws(' ',
           (SELECT string_agg(c.name || ' ' || c.name_zh, ' ')
            FROM news_city c JOIN news_article_cities ac ON ac.city_id = c.id
            WHERE ac.article_id = b.id),
           (SELECT string_agg(t.name, ' ')
            FROM taggit_tag t JOIN taggit_taggeditem ti ON ti.tag_id = t.id
            JOIN django_content_type ct ON ct.id = ti.content_type_id
            WHERE ct.app_label = 'news' AND ct.model = 'article' AND ti.object_id = b.id)
         ) AS names
  FROM news_article b
  WHERE %(ids)s::bigint[] IS NULL OR b.id = ANY(%(ids)s::bigint[])
) AS source
WHERE a.id = source.id
"""


def install_full_text(apps, schema_editor) -> None:
    """Migration step: trigram extension, bigram function, GIN index and vectors (PostgreSQL)."""
    if not uses_full_text(schema_editor.connection):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(BIGRAMS_FUNCTION_SQL)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_vector_gin "
        "ON news_article USING gin (search_vector)"
    )
    schema_editor.execute(REFRESH_SQL, {"config": SEARCH_CONFIG, "ids": None})


def uninstall_full_text(apps, schema_editor) -> None:
    if uses_full_text(schema_editor.connection):
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector_gin")
        schema_editor.execute("DROP FUNCTION IF EXISTS cityinno_cjk_bigrams(text)")
