"""The audit log shows a human label for each action code (apps register theirs in ready()),
with the raw code kept small beside it; an unlabelled code is shown as it is."""

from django.urls import reverse
from django.utils import translation

from ppaos.audit.action_labels import action_label
from ppaos.audit.services import record_audit_event


def test_core_and_app_codes_have_labels():
    with translation.override("th"):
        assert action_label("import.job_finished") == "นำเข้าข้อมูลเสร็จแล้ว"
        assert action_label("survey.verified") == "รับรองแบบสำรวจและจัดระดับแล้ว"
        assert action_label("referral.approve") == "อนุมัติการส่งต่อ"
    with translation.override("en"):
        assert action_label("import.job_finished") == "Import finished"
        assert action_label("household.listed") == "Opened a list (household)"


def test_an_unknown_code_has_no_label():
    assert action_label("something.new") == ""


def test_audit_log_page_shows_label_and_code(client, admin_user):
    record_audit_event(actor=admin_user, action="import.job_finished", area_code="49")
    record_audit_event(actor=admin_user, action="nobody.labelled_this", area_code="49")
    client.force_login(admin_user)
    page = client.get(reverse("audit:audit_log")).content.decode()
    assert "นำเข้าข้อมูลเสร็จแล้ว" in page
    assert '<small class="muted"><code>import.job_finished</code></small>' in page
    assert "<code>nobody.labelled_this</code>" in page
