import pytest

from privacy.models import NoticePurpose, PrivacyNoticeVersion, PublishedNoticeLocked
from privacy.services import notice_draft_from

pytestmark = pytest.mark.django_db


def test_a_published_version_refuses_to_be_saved(version_1):
    version_1.controller_phone = "+358 40 123 4567"

    with pytest.raises(PublishedNoticeLocked):
        version_1.save()

    version_1.refresh_from_db()
    assert version_1.controller_phone == "+358 45 639 3329"


def test_a_published_version_refuses_to_be_deleted(version_1):
    with pytest.raises(PublishedNoticeLocked):
        version_1.delete()

    assert PrivacyNoticeVersion.objects.filter(pk=version_1.pk).exists()


def test_bulk_update_and_delete_of_published_versions_are_refused(version_1):
    with pytest.raises(PublishedNoticeLocked):
        PrivacyNoticeVersion.objects.filter(pk=version_1.pk).update(controller_name="Other Oy")
    with pytest.raises(PublishedNoticeLocked):
        PrivacyNoticeVersion.objects.all().delete()

    assert PrivacyNoticeVersion.objects.get(pk=version_1.pk).controller_name == "Caracom Group Oy"


def test_rows_of_a_published_version_refuse_changes_and_deletion(version_1):
    purpose = version_1.purposes.get(code="direct_marketing")
    purpose.can_be_refused = False

    with pytest.raises(PublishedNoticeLocked):
        purpose.save()
    with pytest.raises(PublishedNoticeLocked):
        purpose.delete()
    with pytest.raises(PublishedNoticeLocked):
        NoticePurpose.objects.create(
            version=version_1, code="new", title_fi="Uusi", title_en="New", legal_basis="contract"
        )

    assert NoticePurpose.objects.get(pk=purpose.pk).can_be_refused is True


def test_a_row_cannot_be_moved_out_of_a_published_version(version_1):
    draft = notice_draft_from(version=version_1)
    purpose = version_1.purposes.get(code="direct_marketing")
    purpose.version = draft
    purpose.code = "moved"

    with pytest.raises(PublishedNoticeLocked):
        purpose.save()


def test_a_draft_and_its_rows_can_be_edited_and_deleted(version_1):
    draft = notice_draft_from(version=version_1)
    draft.controller_phone = "+358 40 123 4567"
    draft.save()
    purpose = draft.purposes.first()
    purpose.title_en = "Changed"
    purpose.save()

    draft.refresh_from_db()
    assert draft.controller_phone == "+358 40 123 4567"
    assert draft.purposes.first().title_en == "Changed"
    draft.delete()
    assert not PrivacyNoticeVersion.objects.filter(pk=draft.pk).exists()
