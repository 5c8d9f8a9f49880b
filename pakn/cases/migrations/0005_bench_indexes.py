"""Indexes found missing by the 1M-case benchmark (bench/web_latency.py).

- ``cases_received_id``: newest-first lists over a subtree stop after one page.
- ``cases_public_published``: the public list orders by publication over two statuses.
- PostgreSQL only: a trigram index on the folded public text, so ``public_search LIKE '%word%'``
  (the diacritic-insensitive search: the column already holds the text without marks, hence no
  ``unaccent`` at query time) reads the matching rows instead of every published case. SQLite
  has no trigram index and scans, which is fine at its sizes.
"""

from django.db import migrations, models

PUBLIC = "status IN ('published', 'closed') AND published_at IS NOT NULL"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS cases_public_search_trgm ON cases_case "
            f"USING gin (public_search gin_trgm_ops) WHERE {PUBLIC}",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_public_search_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_federation_remote_answer")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-received_at", "-id"], name="cases_received_id"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("published_at__isnull", False), ("status__in", ["published", "closed"])
                ),
                fields=["-published_at", "-id"],
                name="cases_public_published",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
