"""The purge run from two hosts at once (two timers firing together): each expired contact is deleted once."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from customers.models import Contact
from customers.tests.factories import CompanyFactory, ContactFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime.date(2026, 6, 15)


def purge_process():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_READ_ENV_FILE": "false",
        "SECRET_KEY": "test-only-not-secret",
        # The purge chains its audit checkpoint and writes the erasure ledger: the same keys and file as the test.
        "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
        "ERASURE_LEDGER_KEY": settings.ERASURE_LEDGER_KEY,
        "ERASURE_LEDGER_PATH": settings.ERASURE_LEDGER_PATH,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "purge_expired", "--json", "--as-of", AS_OF.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_purges_started_together_delete_each_expired_contact_once(postgres_only):
    company = CompanyFactory(relationship_start=datetime.date(2015, 1, 1), relationship_end=datetime.date(2024, 1, 1))
    expired = [c.pk for c in ContactFactory.create_batch(40, company=company)]
    kept = ContactFactory(company=CompanyFactory(relationship_end=None)).pk
    first, second = purge_process(), purge_process()
    outputs = [json.loads(process.communicate(timeout=120)[0].strip().splitlines()[-1]) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0]
    ran = [output for output in outputs if not output.get("skipped")]
    # Either the second found the lock taken, or it started after the first had finished and found nothing.
    assert sum(output["contacts_deleted"] for output in ran) == len(expired)
    assert not Contact.objects.filter(pk__in=expired).exists()
    assert Contact.objects.filter(pk=kept).exists()
