import pytest

from caracom_register.queries import keys_in
from customers.models import Contact
from customers.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("keys", ["ints", "digit-strings", "other-strings", "none"])
def test_keys_in_selects_the_same_rows_as_an_in_lookup(keys):
    contacts = ContactFactory.create_batch(3)
    wanted = {
        "ints": [contacts[0].pk, contacts[2].pk],
        "digit-strings": [str(contacts[0].pk), str(contacts[2].pk)],
        "other-strings": [contacts[0].email, "no-one@example.com"],
        "none": [],
    }[keys]
    field = "email" if keys == "other-strings" else "pk"
    expected = set(Contact.objects.filter(**{f"{field}__in": wanted}).values_list("pk", flat=True))
    assert set(Contact.objects.filter(keys_in(field, wanted)).values_list("pk", flat=True)) == expected
