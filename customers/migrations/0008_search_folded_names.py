# Accent- and case-insensitive search: each name gets a folded shadow column
# (caracom_register.folding.fold, the same rule on both databases), filled here
# for the rows that exist and kept in step by the models afterwards. On
# PostgreSQL a trigram index on the folded column serves `LIKE '%word%'`; the
# trigram indexes on UPPER(first_name) and UPPER(last_name) served the old
# search only and go.

from django.db import migrations, models

from caracom_register.folding import fold

BATCH = 20_000
FOLDED = {
    "customers_contact": ("first_name", "last_name"),
    "customers_company": ("name",),
}
NEW_INDEXES = {
    "customers_contact_name_folded_trgm": "customers_contact",
    "customers_company_name_folded_trgm": "customers_company",
}
OLD_INDEXES = {
    "customers_contact_first_name_trgm": ("customers_contact", "first_name"),
    "customers_contact_last_name_trgm": ("customers_contact", "last_name"),
}


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    for table, sources in FOLDED.items():
        last = 0
        while True:
            with connection.cursor() as cursor:  # audit: derived search column (not personal data history)
                cursor.execute(
                    f"SELECT id, {', '.join(sources)} FROM {table} WHERE id > %s ORDER BY id LIMIT {BATCH}", [last]
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                keys = [row[0] for row in rows]
                folded = [fold(" ".join(value or "" for value in row[1:])) for row in rows]
                if postgres:
                    # One statement per batch: the pairs go in as two arrays.
                    cursor.execute(
                        f"UPDATE {table} AS t SET name_folded = v.folded "
                        "FROM unnest(%s::bigint[], %s::text[]) AS v(id, folded) WHERE t.id = v.id",
                        [keys, folded],
                    )
                else:
                    cursor.executemany(f"UPDATE {table} SET name_folded = %s WHERE id = %s", list(zip(folded, keys)))


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in NEW_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (name_folded gin_trgm_ops)")
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NEW_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, (table, column) in OLD_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_duplicate_scan_trigram")]

    operations = [
        migrations.AddField(
            model_name="company",
            name="name_folded",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.AddField(
            model_name="contact",
            name="name_folded",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
