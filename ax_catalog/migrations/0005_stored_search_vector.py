"""PostgreSQL: keep each case's tsvector in a stored generated column. The expression index found
matches, but ranking recomputed to_tsvector for every matching row (1,500 rows: ~45 ms of a search).
The column is the database's own business: Django never writes it. SQLite keeps its FTS5 table."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE ax_catalog_usecase ADD COLUMN IF NOT EXISTS search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_lexemes)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ax_usecase_search_vector ON ax_catalog_usecase USING GIN (search_vector)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS ax_usecase_lexemes_fts")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ax_usecase_lexemes_fts ON ax_catalog_usecase "
        "USING GIN (to_tsvector('simple', search_lexemes))"
    )
    schema_editor.execute("ALTER TABLE ax_catalog_usecase DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("ax_catalog", "0004_agency_editors")]

    operations = [migrations.RunPython(create, drop)]
