from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import User, normalize_email_address
from accounts.roles import ROLE_PERMISSIONS


@transaction.atomic
def staff_user_ensure(*, email: str, password: str, first_name: str = "", last_name: str = "", roles=()) -> User:
    """Create a staff user, or bring an existing one to exactly these roles and this password."""
    unknown = sorted(set(roles) - set(ROLE_PERMISSIONS))
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(unknown)}. Known roles: {', '.join(ROLE_PERMISSIONS)}")
    email = normalize_email_address(email)
    user = User.objects.filter(email=email).first() or User(email=email)
    user.first_name = first_name
    user.last_name = last_name
    user.is_staff = True
    user.is_active = True
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user
