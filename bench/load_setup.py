"""What the load test needs in the benchmark database: signed-up users with authenticators, sample keys.

Runs inside Django (bench.load calls it after bench.setup.django_setup()).
Every user gets a confirmed TOTP device with a known key, so the Locust users
sign in through both real steps (password, then a code).
"""

import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import PRIVACY_OFFICER, STAFF
from customers.models import Company, Contact
from privacy.models import DataSubjectRequest, RequestChannel, RequestStatus, RequestType, VerificationMethod

SAMPLE = 3000


def load_user(email, group, password_hash):
    User = get_user_model()
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, password=None)
    user.password = password_hash
    user.is_staff = True
    user.save()
    user.groups.set([Group.objects.get(name=group)])
    TOTPDevice.objects.filter(user=user).delete()
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=user, name="load test", key=key, confirmed=True)
    return {"email": email, "key": key}


def sample_keys(model, count, rng):
    low, high = model.objects.order_by("pk").values_list("pk", flat=True).first(), model.objects.latest("pk").pk
    candidates = sorted({rng.randint(low, high) for _ in range(count * 2)})
    return list(model.objects.filter(pk__in=candidates).values_list("pk", flat=True)[:count])


def prepare(*, staff, officers, password):
    """Users, one verified access request per officer (for its export) and sample contact and company keys."""
    rng = random.Random(19)
    # One hash for every user: hashing is deliberately slow and would only delay the set-up.
    password_hash = make_password(password)
    plan = {
        "password": password,
        "staff": [load_user(f"load-staff-{n}@caracom.example", STAFF, password_hash) for n in range(staff)],
        "officers": [
            load_user(f"load-officer-{n}@caracom.example", PRIVACY_OFFICER, password_hash) for n in range(officers)
        ],
        "contacts": sample_keys(Contact, SAMPLE, rng),
        "companies": sample_keys(Company, SAMPLE // 3, rng),
    }
    emails = list(
        Contact.objects.filter(pk__in=plan["contacts"][:20]).exclude(email="").values_list("email", flat=True)
    )
    plan["lookup_emails"] = emails
    plan["export_requests"] = []
    for n, email in enumerate(emails[: max(1, officers)]):
        dsr = DataSubjectRequest.objects.create(
            request_type=RequestType.ACCESS,
            channel=RequestChannel.EMAIL,
            received_on=timezone.localdate(),
            due_on=timezone.localdate() + timezone.timedelta(days=30),
            requester_name=f"Load test requester {n}",
            requester_email=email,
            description="Load test",
            status=RequestStatus.VERIFIED,
            verification_method=VerificationMethod.ID_IN_PERSON,
            verified_at=timezone.now(),
        )
        plan["export_requests"].append({"pk": dsr.pk, "email": email})
    return plan
