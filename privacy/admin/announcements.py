"""The notice version page's § 13 announcement: counts, and a button that queues the next batches."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy import services
from privacy.models import PrivacyNoticeVersion

# One click queues at most this many; the command announce_notice does the rest for a large register.
ANNOUNCE_PER_CLICK = 2000


def announcement_context(request, object_id):
    version = PrivacyNoticeVersion.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
    if version is None or not version.is_published or not version.significant_change:
        return {}
    return {
        "announcement": services.announcement_counts(version=version),
        "can_announce": request.user.has_perm("privacy.publish_privacynoticeversion"),
    }


def announcement_urls(model_admin):
    def announce(request, pk):
        if not request.user.has_perm("privacy.publish_privacynoticeversion"):
            raise PermissionDenied
        version = get_object_or_404(PrivacyNoticeVersion, pk=pk)
        if request.method == "POST":
            try:
                queued = services.notice_announce(version=version, limit=ANNOUNCE_PER_CLICK)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s announcement is queued; the outbox sends it.",
                        "%(count)s announcements are queued; the outbox sends them.",
                        queued,
                    )
                    % {"count": queued}
                    if queued
                    else _("Everyone with an email address has already been sent this version's announcement."),
                )
        return redirect(reverse("admin:privacy_privacynoticeversion_change", args=[version.pk]) + "#announcement")

    return [path("<int:pk>/announce/", model_admin.admin_site.admin_view(announce), name="privacy_notice_announce")]
