# The duplicate scan (customers.duplicates) compares names with pg_trgm's similarity() on PostgreSQL. The
# search's migration (0003) creates the extension too; this one says that the scan needs it on its own, so the
# scan keeps working whatever becomes of the search's indexes. SQLite compares in Python: nothing to do there.

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_contact_import_record")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=False)]
