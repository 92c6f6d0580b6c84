"""The proxy's health endpoint: database and migrations, anonymous, nothing else exposed."""

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_health_endpoint_answers_ok_without_a_sign_in(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\nmigrations: ok\n"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("fmt", ["json", "atom", "rss", "openmetrics", "html"])
def test_every_format_the_library_offers_answers_the_same_two_lines(client, fmt):
    response = client.get(reverse("health"), {"format": fmt}, HTTP_ACCEPT="application/json")
    assert response.content.decode() == "database: ok\nmigrations: ok\n"


def test_an_unapplied_migration_makes_the_instance_unhealthy(client, monkeypatch):
    # A code release whose `migrate` has not run yet: the plan is not empty.
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)])
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.content.decode() == "database: ok\nmigrations: unavailable\n"


def test_the_health_endpoint_is_not_cached(client):
    assert "no-store" in client.get(reverse("health"))["Cache-Control"]
