from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy import services
from privacy.models import PrivacyNoticeVersion


def _render_notice(request, notice, current):
    context = {
        "notice": notice,
        "current": current,
        "is_current": current is not None and notice.pk == current.pk,
        "is_upcoming": notice.effective_on > timezone.localdate(),
        "history": services.notice_history(),
    }
    return render(request, "privacy/notice.html", context)


def notice_view(request):
    """The notice in force today, public, in the visitor's language."""
    current = services.notice_current()
    if current is None:
        raise Http404(_("No privacy notice has been published yet."))
    return _render_notice(request, current, current)


def notice_version_view(request, number):
    """Any published version stays readable at its own address; drafts are not public."""
    notice = get_object_or_404(PrivacyNoticeVersion.objects.published(), number=number)
    return _render_notice(request, notice, services.notice_current())
