# On PostgreSQL, triggers that refuse to change or delete audit entries, security events and the
# chain's links and anchors, except for what redaction and the purge do, and only while they have
# set their transaction-local permission (audit/chain/guard.py). Deleting a user only clears the
# user reference of its entries (on_delete=SET_NULL); the entries keep the email, which is chained.
# An owner of the tables can still drop the triggers: that is what the MAC chain and the outside
# checkpoints are for (docs/audit.md). SQLite relies on the chain alone.
#
# Entries written before the chain existed are chained here in id order (their time is not
# proven by this, only that they have not changed since).

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    user_columns text := TG_ARGV[0];
    column_name text;
    new_row jsonb;
    old_row jsonb;
    only_cleared boolean := true;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF coalesce(current_setting('audit.redaction', true), '') = 'on' THEN
            RETURN NEW;
        END IF;
        IF coalesce(current_setting('audit.purge_before', true), '') <> '' AND TG_TABLE_NAME = 'audit_chainlink'
           AND to_jsonb(NEW) ->> 'purged_at' IS NOT NULL THEN
            RETURN NEW;
        END IF;
        IF user_columns <> '' THEN
            new_row := to_jsonb(NEW);
            old_row := to_jsonb(OLD);
            FOREACH column_name IN ARRAY string_to_array(user_columns, ',') LOOP
                IF new_row ->> column_name IS NOT NULL AND new_row -> column_name IS DISTINCT FROM old_row -> column_name THEN
                    only_cleared := false;
                END IF;
                new_row := new_row - column_name;
                old_row := old_row - column_name;
            END LOOP;
            IF only_cleared AND new_row = old_row THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'audit records cannot be changed (% row %)', TG_TABLE_NAME, to_jsonb(OLD) -> TG_ARGV[1]
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(current_setting('audit.purge_before', true), '') <> '' THEN
        IF TG_TABLE_NAME = 'audit_chainlink' AND to_jsonb(OLD) ->> 'purged_at' IS NOT NULL THEN
            RETURN OLD;
        END IF;
        IF TG_TABLE_NAME <> 'audit_chainlink'
           AND (to_jsonb(OLD) ->> 'timestamp')::timestamptz < current_setting('audit.purge_before')::timestamptz THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit records cannot be deleted (% row %)', TG_TABLE_NAME, to_jsonb(OLD) -> TG_ARGV[1]
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

# (table, the user columns cleared when a user is deleted, the key named in the error)
TABLES = (
    ("auditlog_logentry", "actor_id", "id"),
    ("audit_securityevent", "user_id,actor_id", "id"),
    ("audit_chainlink", "", "position"),
    ("audit_chainanchor", "", "position"),
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GUARD, params=None)  # the % in RAISE is not a parameter
    for table, user_column, key in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON {schema_editor.quote_name(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_guard('{user_column}', '{key}')"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _, _ in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_guard ON {schema_editor.quote_name(table)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_guard()")


def chain_existing_entries(apps, schema_editor):
    # The live code, not historical models: chaining must read entries exactly as verification does.
    from audit.chain.append import chain_append
    from audit.chain.content import EVENT, LOG, MODELS

    using = schema_editor.connection.alias
    for table in (LOG, EVENT):
        ids = list(MODELS[table]._base_manager.using(using).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            chain_append(table=table, ids=ids[start : start + 5000], using=using)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_chain_links")]

    operations = [
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
