"""Credential changes as security events: passwords set or changed, second factors added or removed.

Receivers rather than calls in each view, so that every path is covered: the
user's own password change, a superuser's "set password", the Privacy
officer's reset in the admin (one device or "delete selected"), the setup
pages, `manage.py changepassword` and the shell. Who did it and from where
come from the audit trail's current actor. No secret reaches the event.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.second_factor import factor_of
from audit.models import SecurityEvent
from audit.services import security_event_record

_PASSWORD_CHANGED = "_caracom_password_changed"  # noqa: S105 (an attribute name, no secret)
_FACTOR_ADDED = "_caracom_factor_added"
DEVICE_MODELS = (TOTPDevice, StaticDevice, WebAuthnCredential)


def remember_password_change(sender, instance, update_fields=None, **kwargs):
    instance.__dict__.pop(_PASSWORD_CHANGED, None)
    if instance._state.adding or (update_fields is not None and "password" not in update_fields):
        return
    # set_password() keeps the new raw password until the save; a hash upgraded
    # at sign-in (check_password's rehash) does not, and is no change.
    if instance._password is not None:
        instance.__dict__[_PASSWORD_CHANGED] = True
    elif not instance.has_usable_password():
        old = sender._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
        instance.__dict__[_PASSWORD_CHANGED] = old is not None and old != instance.password


def record_password_change(sender, instance, created, **kwargs):
    if instance.__dict__.pop(_PASSWORD_CHANGED, False):
        security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=instance)


def remember_factor_added(sender, instance, update_fields=None, **kwargs):
    instance.__dict__.pop(_FACTOR_ADDED, None)
    if not instance.confirmed or (update_fields is not None and "confirmed" not in update_fields):
        return
    if instance._state.adding:
        instance.__dict__[_FACTOR_ADDED] = True
        return
    was_confirmed = sender._base_manager.filter(pk=instance.pk).values_list("confirmed", flat=True).first()
    instance.__dict__[_FACTOR_ADDED] = not was_confirmed


def record_factor_added(sender, instance, created, **kwargs):
    if instance.__dict__.pop(_FACTOR_ADDED, False):
        security_event_record(
            kind=SecurityEvent.Kind.SECOND_FACTOR_ADDED, user=instance.user, factor=factor_of(instance)
        )


def _deleting_the_user(origin):
    User = get_user_model()
    return isinstance(origin, User) or (isinstance(origin, QuerySet) and origin.model is User)


def record_factor_removed(sender, instance, origin=None, **kwargs):
    if not instance.confirmed:
        return  # a setup that was never finished
    user = instance.user
    # When the account itself is deleted, its devices go with it: the event
    # keeps the email only, or it would hold on to the row being deleted.
    security_event_record(
        kind=SecurityEvent.Kind.SECOND_FACTOR_REMOVED,
        user=None if _deleting_the_user(origin) else user,
        email=user.email,
        factor=factor_of(instance),
    )


def connect():
    User = get_user_model()
    pre_save.connect(remember_password_change, sender=User, dispatch_uid="accounts.remember_password_change")
    post_save.connect(record_password_change, sender=User, dispatch_uid="accounts.record_password_change")
    for model in DEVICE_MODELS:
        uid = model._meta.label_lower
        pre_save.connect(remember_factor_added, sender=model, dispatch_uid=f"accounts.factor_added_pre.{uid}")
        post_save.connect(record_factor_added, sender=model, dispatch_uid=f"accounts.factor_added.{uid}")
        post_delete.connect(record_factor_removed, sender=model, dispatch_uid=f"accounts.factor_removed.{uid}")
