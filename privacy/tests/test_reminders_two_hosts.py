"""The deadline digest from two hosts' cron at once: each Privacy officer still gets one digest that day."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import PrivacyOfficerFactory
from caracom_register.locks import transaction_lock
from privacy import services
from privacy.models import Letter, LetterKind
from privacy.tests.factories import DataSubjectRequestFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hosts_reminding_at_once_queue_one_digest_per_officer(postgres_only):
    officers = PrivacyOfficerFactory.create_batch(2)
    DataSubjectRequestFactory(due_on=timezone.localdate() - datetime.timedelta(days=1))
    start = threading.Barrier(2)
    queued = []

    def host():
        try:
            start.wait(timeout=20)
            queued.append(services.deadlines_remind())
        finally:
            connection.close()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(queued) == [0, len(officers)]
    assert Letter.objects.filter(kind=LetterKind.DEADLINE_DIGEST).count() == len(officers)


def test_the_transaction_lock_refuses_to_be_taken_outside_a_transaction():
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        transaction_lock(1)
