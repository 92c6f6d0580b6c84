# Trigram indexes for the admin search, on PostgreSQL only.
#
# Django's `icontains` compiles to UPPER(column) LIKE UPPER('%term%'), which a
# trigram index on the bare column cannot serve: the indexes are on
# UPPER(column). The phone search's typed-in-local-form variant is a prefix
# match on the stored number (LIKE '+358…%'), served by a pattern-ops btree.
# SQLite has neither extension nor operator classes; there the migration does
# nothing (SQLite databases are small development copies).

from django.db import migrations

TRIGRAM_INDEXES = {
    "customers_contact_first_name_trgm": ("customers_contact", "first_name"),
    "customers_contact_last_name_trgm": ("customers_contact", "last_name"),
    "customers_contact_email_trgm": ("customers_contact", "email"),
    "customers_contact_phone_trgm": ("customers_contact", "phone"),
    "customers_company_name_trgm": ("customers_company", "name"),
    "customers_company_business_id_trgm": ("customers_company", "business_id"),
    "customers_company_city_trgm": ("customers_company", "city"),
}
PATTERN_INDEXES = {"customers_contact_phone_prefix": ("customers_contact", "phone")}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)")
    for name, (table, column) in PATTERN_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (*TRIGRAM_INDEXES, *PATTERN_INDEXES):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
