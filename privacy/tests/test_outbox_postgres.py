"""Two senders at once on PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED keeps them off each other's letters."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from privacy.models import Letter, LetterStatus
from privacy.services import outbox
from privacy.tests.factories import LetterFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_letter_another_sender_has_locked_is_skipped_not_waited_for(postgres_only):
    locked, free = LetterFactory.create_batch(2)
    claimed = []

    def other_sender():
        try:
            claimed.extend(outbox._claim(now=timezone.now(), limit=10))
        finally:
            connection.close()

    with transaction.atomic():
        Letter.objects.select_for_update().get(pk=locked.pk)  # the first sender is in the middle of claiming it
        thread = threading.Thread(target=other_sender)
        thread.start()
        thread.join(timeout=20)

    assert not thread.is_alive()
    assert claimed == [free.pk]
    assert Letter.objects.get(pk=locked.pk).status == LetterStatus.QUEUED
    assert Letter.objects.get(pk=free.pk).status == LetterStatus.SENDING
