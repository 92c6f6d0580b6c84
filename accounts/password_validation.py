import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _letters_and_digits(value):
    return re.sub(r"[\W_]+", "", value or "").lower()


class EmailNameValidator:
    """Refuses a password that contains the name part of the user's email address.

    Django's similarity check compares whole strings, so `santeri.harjula`
    passes for santeri.harjula@caracom.example; a password built on one's own
    sign-in name is the first thing an attacker tries.
    """

    min_name_length = 3

    def validate(self, password, user=None):
        email = getattr(user, "email", "") or ""
        name = _letters_and_digits(email.partition("@")[0])
        if len(name) >= self.min_name_length and name in _letters_and_digits(password):
            raise ValidationError(
                _("The password contains your email name “%(name)s”. Choose one that does not."),
                code="password_contains_email_name",
                params={"name": email.partition("@")[0]},
            )

    def get_help_text(self):
        return _("Your password can’t contain the name part of your email address.")
