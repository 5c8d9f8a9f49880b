"""PostgreSQL only: a trigram index on the folded submission text, so the officers' search
(``search_text LIKE '%word%'``, diacritic-insensitive because the column holds the text without
marks) reads the matching rows instead of scanning every submission. Found by the 1M-case
benchmark (bench/web_latency.py); SQLite scans, which is fine at its sizes."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS submissions_search_trgm ON submissions_submission "
            "USING gin (search_text gin_trgm_ops)",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS submissions_search_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0003_map_location_index")]

    operations = [migrations.RunPython(forward, backward)]
