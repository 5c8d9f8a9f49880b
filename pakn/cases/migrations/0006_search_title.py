"""Search keys as padded folded words (see ``pakn.cases.search``) and a separate title key, so
public search can require whole syllables and rank title matches first. Published rows are
re-keyed here; the trigram index on ``public_search`` stays valid (same column)."""

from django.db import migrations, models

from pakn.cases.search import search_key

BATCH = 2000


def rekey(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    rows = Case.objects.exclude(public_title="", public_body="").only(
        "pk", "public_title", "public_body"
    )
    batch = []
    for case in rows.iterator(chunk_size=BATCH):
        case.public_search = search_key(f"{case.public_title} {case.public_body}")
        case.public_title_search = search_key(case.public_title)
        batch.append(case)
        if len(batch) >= BATCH:
            Case.objects.bulk_update(batch, ["public_search", "public_title_search"])
            batch = []
    Case.objects.bulk_update(batch, ["public_search", "public_title_search"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_bench_indexes")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="public_title_search",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
