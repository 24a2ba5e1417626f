from django.db import migrations


def create(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        schema_editor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS ax_usecase_fts USING fts5(lexemes)")
    elif conn.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ax_usecase_lexemes_fts ON ax_catalog_usecase "
            "USING GIN (to_tsvector('simple', search_lexemes))"
        )


def drop(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS ax_usecase_fts")
    elif conn.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ax_usecase_lexemes_fts")


class Migration(migrations.Migration):
    dependencies = [("ax_catalog", "0001_use_cases")]

    operations = [migrations.RunPython(create, drop)]
