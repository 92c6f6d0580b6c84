"""The privacy notice: which version is in force, its history, publishing and new drafts (notice § 13)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from privacy.models import (
    NOTICE_PART_MODELS,
    NoticeDataCategory,
    NoticePurpose,
    NoticeSource,
    NoticeStatus,
    PrivacyNoticeVersion,
)


def notice_current(*, on: datetime.date | None = None, using: str = "default") -> PrivacyNoticeVersion | None:
    """The published version in force on the given day (today by default), or None before the first one."""
    on = on or timezone.localdate()
    return (
        PrivacyNoticeVersion.objects.using(using)
        .filter(status=NoticeStatus.PUBLISHED, effective_on__lte=on)
        .order_by("-effective_on", "-number")
        .first()
    )


def notice_history():
    """All published versions, newest first, including ones announced for a future date."""
    return PrivacyNoticeVersion.objects.published().order_by("-effective_on", "-number")


@transaction.atomic
def notice_publish(*, version: PrivacyNoticeVersion, effective_on: datetime.date, user) -> PrivacyNoticeVersion:
    """Publish a draft, in force from effective_on. The draft row becomes the frozen published version."""
    version = PrivacyNoticeVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError(
            _("Version %(number)s is already published; create a new draft from it to make a change.")
            % {"number": version.number}
        )
    today = timezone.localdate()
    if effective_on < today:
        raise ValidationError(
            {
                "effective_on": _(
                    "The effective date %(date)s is in the past: a notice cannot take effect retroactively. "
                    "Choose today (%(today)s) or a later day."
                )
                % {
                    "date": date_format(effective_on, "SHORT_DATE_FORMAT"),
                    "today": date_format(today, "SHORT_DATE_FORMAT"),
                }
            }
        )
    latest = PrivacyNoticeVersion.objects.published().order_by("-effective_on").first()
    if latest is not None and effective_on < latest.effective_on:
        raise ValidationError(
            {
                "effective_on": _(
                    "The effective date %(date)s is before version %(number)s takes effect (%(latest)s); "
                    "versions take effect in order."
                )
                % {
                    "date": date_format(effective_on, "SHORT_DATE_FORMAT"),
                    "number": latest.number,
                    "latest": date_format(latest.effective_on, "SHORT_DATE_FORMAT"),
                }
            }
        )
    # The first version has nothing to compare with; every later one says what changed (§ 13).
    missing = [f for f in ("change_summary_fi", "change_summary_en") if not getattr(version, f).strip()]
    if missing and latest is not None:
        raise ValidationError(
            {field: _("Say what changed in this version (shown in the notice's history).") for field in missing}
        )
    required_lists = (NoticePurpose, NoticeDataCategory, NoticeSource)
    empty_lists = [
        model._meta.verbose_name_plural
        for model in required_lists
        if not model.objects.filter(version=version).exists()
    ]
    if empty_lists:
        raise ValidationError(
            _("Version %(number)s has no %(lists)s; a notice must list them before it is published.")
            % {"number": version.number, "lists": ", ".join(str(name) for name in empty_lists)}
        )
    version.full_clean()
    version.status = NoticeStatus.PUBLISHED
    version.effective_on = effective_on
    version.published_at = timezone.now()
    version.published_by = user
    version.save()
    return version


@transaction.atomic
def notice_draft_from(*, version: PrivacyNoticeVersion) -> PrivacyNoticeVersion:
    """A new draft with the next number, copying every fact and list of the given version."""
    # Two officers drafting at once would both pick N+1; the unique number makes the second fail loudly.
    next_number = (PrivacyNoticeVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    parts = {model: list(model.objects.filter(version=version)) for model in NOTICE_PART_MODELS}
    draft = PrivacyNoticeVersion.objects.get(pk=version.pk)
    draft.pk = None
    draft.id = None
    draft.number = next_number
    draft.status = NoticeStatus.DRAFT
    draft.effective_on = None
    draft.published_at = None
    draft.published_by = None
    draft.change_summary_fi = ""
    draft.change_summary_en = ""
    draft._state.adding = True
    draft.full_clean()
    draft.save()
    for rows in parts.values():
        for row in rows:
            row.pk = None
            row.id = None
            row.version = draft
            row._state.adding = True
            row.full_clean()
            row.save()
    return draft
