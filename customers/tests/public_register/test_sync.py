"""`sync_public_register` against a real HTTP server on localhost serving trade register answers."""

import datetime
import json
import threading
from io import StringIO

import psycopg2
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from werkzeug import Response

from audit.services import erase_objects
from customers.models import Company, Source
from customers.public_register.models import PublicRegisterCheck, RegisterStatus
from customers.public_register.services import SYNC_LOCK_KEY, public_register_sync
from customers.tests.factories import CompanyFactory, PublicRegisterCheckFactory
from customers.tests.public_register.ytj import answer, company, postal_box_only, serve, situation

pytestmark = pytest.mark.django_db

SYNC_ACTOR_EMAIL = "public-register-sync@system.local"


def sync(*args):
    out = StringIO()
    call_command("sync_public_register", *args, stdout=out)
    return out.getvalue()


def sync_json(*args):
    return json.loads(sync("--json", *args))


def sample_company(**fields):
    """Our record of the sample company, as the register holds it."""
    values = {
        "name": "Esimerkkivienti Oy",
        "street_address": "Kalakuja 2-4 B 105",
        "postal_code": "85100",
        "city": "Kalajoki",
        "country": "FI",
    }
    return CompanyFactory(**(values | fields))


def updates_of(obj):
    return LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.UPDATE)


def test_a_current_company_is_checked_and_left_unchanged(register_api):
    ours = sample_company()
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    result = sync_json()
    assert (result["checked"], result["unchanged"], result["updated"], result["flagged"]) == (1, 1, [], [])
    check = PublicRegisterCheck.objects.get(company=ours)
    assert check.status == RegisterStatus.REGISTERED
    assert not updates_of(ours).exists()


def test_a_renamed_company_gets_the_new_name_audited_by_the_named_system_actor(register_api):
    ours = sample_company(name="Vanha Esimerkki Oy")
    serve(register_api, ours.business_id, answer(company(ours.business_id, name="Esimerkkivienti Oy")))
    result = sync_json()
    assert result["updated"] == [{"business_id": ours.business_id, "fields": ["name"]}]
    ours.refresh_from_db()
    assert (ours.name, ours.source) == ("Esimerkkivienti Oy", Source.PUBLIC_REGISTER)
    entry = updates_of(ours).get()
    assert entry.actor_email == SYNC_ACTOR_EMAIL
    assert set(entry.changes_dict) == {"name", "source"}
    check = PublicRegisterCheck.objects.get(company=ours)
    assert check.accepted_fetch_at == check.checked_at


def test_a_moved_company_gets_the_new_address(register_api):
    ours = sample_company(street_address="Vanhatie 1", postal_code="00100", city="Helsinki")
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    sync()
    ours.refresh_from_db()
    assert (ours.street_address, ours.postal_code, ours.city) == ("Kalakuja 2-4 B 105", "85100", "Kalajoki")


def test_a_company_with_only_a_postal_box_gets_the_box_as_its_address(register_api):
    ours = sample_company()
    serve(register_api, ours.business_id, answer(company(ours.business_id, addresses=postal_box_only(box="45"))))
    sync()
    ours.refresh_from_db()
    assert (ours.street_address, ours.postal_code, ours.city) == ("PL 45", "85101", "Kalajoki")


def test_a_company_in_liquidation_is_flagged_and_its_relationship_left_as_it_is(register_api):
    ours = sample_company()
    liquidation = [situation("SELTILA", since="2026-10-01")]
    serve(register_api, ours.business_id, answer(company(ours.business_id, companySituations=liquidation)))
    result = sync_json()
    assert result["flagged"] == [{"business_id": ours.business_id, "status": "liquidation"}]
    check = PublicRegisterCheck.objects.get(company=ours)
    assert (check.status, check.status_since) == (RegisterStatus.LIQUIDATION, datetime.date(2026, 10, 1))
    ours.refresh_from_db()
    assert ours.relationship_end is None


def test_a_ceased_company_is_flagged_as_ceased(register_api):
    ours = sample_company()
    serve(register_api, ours.business_id, answer(company(ours.business_id, tradeRegisterStatus="4")))
    assert sync_json()["flagged"] == [{"business_id": ours.business_id, "status": "ceased"}]
    assert Company.objects.get(pk=ours.pk).relationship_end is None


def test_a_business_id_the_register_does_not_know_is_flagged_not_deleted(register_api):
    ours = sample_company()
    serve(register_api, ours.business_id, {"totalResults": 0, "companies": []})
    assert sync_json()["flagged"] == [{"business_id": ours.business_id, "status": "not_found"}]
    assert Company.objects.filter(pk=ours.pk, name="Esimerkkivienti Oy").exists()
    assert PublicRegisterCheck.objects.get(company=ours).status == RegisterStatus.NOT_FOUND


def test_a_429_followed_by_success_updates_the_company(register_api):
    ours = sample_company(name="Vanha Esimerkki Oy")
    serve(register_api, ours.business_id, "", status=429, oneshot=True)
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    sync()
    assert Company.objects.get(pk=ours.pk).name == "Esimerkkivienti Oy"
    assert len(register_api.log) == 2


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("error", 500, "answered HTTP 500"),
        ('{"totalResults": 1, "companies": [{', 200, "not valid JSON"),
    ],
    ids=["a-500", "malformed-json"],
)
def test_a_failing_register_changes_nothing_and_exits_non_zero_with_one_line(register_api, body, status, reason):
    ours = sample_company(name="Vanha Esimerkki Oy")
    serve(register_api, ours.business_id, body, status=status)
    with pytest.raises(CommandError) as raised:
        sync()
    message = str(raised.value)
    assert reason in message and "\n" not in message
    assert message.endswith("Checked 0 companies before that; the rest unchanged.")
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"
    assert not PublicRegisterCheck.objects.exists()


def test_a_register_that_times_out_changes_nothing_and_exits_non_zero(register_api, settings):
    settings.PUBLIC_REGISTER_TIMEOUT_SECONDS = 0.2
    settings.PUBLIC_REGISTER_RETRIES = 0
    released = threading.Event()

    def slow(request):
        released.wait(timeout=10)
        return Response("{}", content_type="application/json")

    ours = sample_company(name="Vanha Esimerkki Oy")
    register_api.expect_request("/opendata-ytj-api/v3/companies").respond_with_handler(slow)
    with pytest.raises(CommandError, match=r"did not answer within 0\.2 s"):
        sync()
    released.set()
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"
    assert not PublicRegisterCheck.objects.exists()


def test_an_unreachable_register_changes_nothing_and_exits_non_zero(settings):
    settings.PUBLIC_REGISTER_API_URL = "http://127.0.0.1:9/v3"
    settings.PUBLIC_REGISTER_RETRIES = 0
    ours = sample_company(name="Vanha Esimerkki Oy")
    with pytest.raises(CommandError, match="could not be reached"):
        sync()
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"
    assert not PublicRegisterCheck.objects.exists()


def test_a_failure_half_way_keeps_the_checks_answered_before_it_and_writes_nothing_of_the_failing_one(
    register_api, settings
):
    settings.PUBLIC_REGISTER_RETRIES = 0
    first = sample_company(name="Vanha Yksi Oy")
    second = sample_company(name="Vanha Kaksi Oy", business_id="1234567-1")
    serve(register_api, first.business_id, answer(company(first.business_id, name="Yksi Oy")))
    serve(register_api, second.business_id, "error", status=500)
    with pytest.raises(CommandError, match="Checked 1 companies before that"):
        sync()
    assert Company.objects.get(pk=first.pk).name == "Yksi Oy"
    assert Company.objects.get(pk=second.pk).name == "Vanha Kaksi Oy"
    assert list(PublicRegisterCheck.objects.values_list("company", flat=True)) == [first.pk]


def test_in_propose_mode_a_change_waits_for_a_person(register_api, settings):
    settings.PUBLIC_REGISTER_SYNC_MODE = "propose"
    ours = sample_company(name="Vanha Esimerkki Oy")
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    result = sync_json()
    assert (result["updated"], result["proposed"]) == ([], [{"business_id": ours.business_id, "fields": ["name"]}])
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"
    assert PublicRegisterCheck.objects.get(company=ours).name == "Esimerkkivienti Oy"


def test_a_dry_run_asks_the_register_and_writes_nothing(register_api):
    ours = sample_company(name="Vanha Esimerkki Oy")
    serve(register_api, ours.business_id, answer(company(ours.business_id, tradeRegisterStatus="4")))
    result = sync_json("--dry-run")
    assert result["dry_run"] is True
    assert result["updated"] == [{"business_id": ours.business_id, "fields": ["name"]}]
    assert result["flagged"] == [{"business_id": ours.business_id, "status": "ceased"}]
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"
    assert not PublicRegisterCheck.objects.exists()


def test_a_company_checked_exactly_n_days_ago_is_due(register_api, settings):
    settings.PUBLIC_REGISTER_CHECK_DAYS = 30
    now = timezone.now()
    check = PublicRegisterCheckFactory(company=sample_company(), checked_at=now - datetime.timedelta(days=30))
    serve(register_api, check.business_id, answer(company(check.business_id)))
    assert public_register_sync(now=now).checked == 1


def test_a_company_checked_less_than_n_days_ago_is_not_asked_again(register_api, settings):
    settings.PUBLIC_REGISTER_CHECK_DAYS = 30
    now = timezone.now()
    PublicRegisterCheckFactory(checked_at=now - datetime.timedelta(days=30) + datetime.timedelta(seconds=1))
    assert public_register_sync(now=now).checked == 0
    assert register_api.log == []


def test_a_company_without_a_business_id_is_never_asked(register_api):
    CompanyFactory(business_id="")
    assert sync_json()["checked"] == 0
    assert register_api.log == []


def test_the_limit_per_run_checks_the_longest_unchecked_first(register_api, settings):
    settings.PUBLIC_REGISTER_LIMIT_PER_RUN = 2
    now = timezone.now()
    never = sample_company()
    oldest = PublicRegisterCheckFactory(checked_at=now - datetime.timedelta(days=90)).company
    PublicRegisterCheckFactory(checked_at=now - datetime.timedelta(days=60))
    for ours in (never, oldest):
        serve(register_api, ours.business_id, answer(company(ours.business_id)))
    assert sync_json()["checked"] == 2
    asked = [request.args["businessId"] for request, _response in register_api.log]
    assert asked == [never.business_id, oldest.business_id]


def test_the_limit_option_overrides_the_setting(register_api, settings):
    settings.PUBLIC_REGISTER_LIMIT_PER_RUN = 5
    for _ in range(3):
        ours = CompanyFactory()
        serve(register_api, ours.business_id, answer(company(ours.business_id)))
    assert sync_json("--limit", "1")["checked"] == 1


@pytest.mark.parametrize("value", ["0", "many"])
def test_a_limit_that_is_not_a_positive_whole_number_is_refused(register_api, value):
    with pytest.raises(CommandError, match="--limit"):
        sync("--limit", value)


def test_the_calls_are_spaced_by_the_configured_delay(register_api, settings):
    settings.PUBLIC_REGISTER_DELAY_SECONDS = 1.5
    waits = []
    for _ in range(3):
        ours = CompanyFactory()
        serve(register_api, ours.business_id, answer(company(ours.business_id)))
    public_register_sync(sleep=waits.append)
    assert waits == [1.5, 1.5]


def test_named_business_ids_are_checked_however_recently_they_were(register_api):
    check = PublicRegisterCheckFactory(company=sample_company(name="Vanha Esimerkki Oy"))
    serve(register_api, check.business_id, answer(company(check.business_id)))
    assert sync_json("--business-id", check.business_id)["updated"][0]["fields"] == ["name"]


def test_a_named_business_id_we_do_not_have_is_refused_before_any_call(register_api):
    with pytest.raises(CommandError, match="No company in the register has the business ID 0112038-9"):
        sync("--business-id", "0112038-9")
    assert register_api.log == []


def test_a_named_business_id_with_a_wrong_check_digit_is_refused(register_api):
    with pytest.raises(CommandError, match="--business-id '0112038-8'"):
        sync("--business-id", "0112038-8")


def test_the_summary_names_the_counts_and_the_source(register_api):
    ours = sample_company(name="Vanha Esimerkki Oy")
    serve(register_api, ours.business_id, answer(company(ours.business_id)))
    out = sync()
    assert out.startswith(
        "Checked 1 companies against the trade register (PRH): 0 unchanged, 1 updated, 0 proposed for review, "
        "0 flagged for the relationship review."
    )
    assert "Finnish Patent and Registration Office (PRH)" in out


def test_a_change_our_rules_refuse_is_left_as_a_proposal_with_the_reason(register_api):
    ours = sample_company(name="Vanha Esimerkki Oy")
    moved_abroad = company(ours.business_id)
    moved_abroad["addresses"][0]["country"] = "ZZ"
    serve(register_api, ours.business_id, answer(moved_abroad))
    result = sync_json()
    assert result["updated"] == []
    [proposal] = result["proposed"]
    assert proposal["fields"] == ["name", "country"]
    assert "ZZ" in proposal["refused"]
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"
    assert not updates_of(ours).exists()


@pytest.mark.postgres
def test_a_second_sync_while_one_runs_does_nothing(register_api, postgres_only):
    ours = sample_company(name="Vanha Esimerkki Oy")
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, password=db["PASSWORD"]
    )
    try:
        with other.cursor() as cursor:  # audit: read-only SQL (takes the lock, as the other host's run would)
            cursor.execute("SELECT pg_advisory_lock(%s)", [SYNC_LOCK_KEY])
        out = sync()
        result = sync_json()
    finally:
        other.close()
    assert out.strip() == "Another sync_public_register is running; this run did nothing."
    assert result["skipped"] is True
    assert register_api.log == []
    assert Company.objects.get(pk=ours.pk).name == "Vanha Esimerkki Oy"


@pytest.mark.postgres
def test_the_sync_releases_its_lock_when_done(register_api, postgres_only):
    sync()
    with connection.cursor() as cursor:  # audit: read-only SQL (a lock, no data)
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert cursor.fetchone()[0] == 0


def test_erasing_a_company_erases_its_trade_register_check_with_it():
    check = PublicRegisterCheckFactory()
    erase_objects(model=Company, pks=[check.company.pk])
    assert not PublicRegisterCheck.objects.exists()


def test_a_name_longer_than_ours_holds_is_proposed_not_cut_short(register_api):
    ours = sample_company()
    long_name = "Pitkä " * 40 + "Oy"
    serve(register_api, ours.business_id, answer(company(ours.business_id, name=long_name)))
    [proposal] = sync_json()["proposed"]
    assert proposal["fields"] == ["name"] and "200" in proposal["refused"]
    assert PublicRegisterCheck.objects.get(company=ours).name == " ".join(long_name.split())
    assert Company.objects.get(pk=ours.pk).name == "Esimerkkivienti Oy"
