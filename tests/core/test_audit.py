import pytest
from django.db import DatabaseError, connection, transaction

from ppaos.areas.models import Area
from ppaos.audit.models import AuditEvent
from ppaos.audit.services import record_audit_event

pytestmark = pytest.mark.django_db


def test_record_audit_event_stores_who_what_and_where(facilitator):
    village = Area.objects.get(code="49010101")
    event = record_audit_event(
        actor=facilitator, action="area.viewed", target=village, details={"k": 1}
    )
    event.refresh_from_db()
    assert event.actor == facilitator
    assert (event.object_type, event.object_id, event.area_code) == (
        "areas.area",
        "49010101",
        "49010101",
    )
    assert event.details == {"k": 1}


def test_audit_rows_cannot_be_updated_even_in_sql(facilitator):
    event = record_audit_event(actor=facilitator, action="x.y")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action='z' WHERE id=%s", [event.id])


def test_audit_rows_cannot_be_deleted_even_in_sql(facilitator):
    event = record_audit_event(actor=facilitator, action="x.y")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(id=event.id).delete()


def test_audit_row_rolls_back_with_the_change_it_records(facilitator):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit_event(actor=facilitator, action="x.rolled_back")
        raise RuntimeError("the service failed after writing")
    assert not AuditEvent.objects.filter(action="x.rolled_back").exists()


def test_model_refuses_to_save_an_existing_event(facilitator):
    event = record_audit_event(actor=facilitator, action="x.y")
    event.action = "changed"
    with pytest.raises(RuntimeError):
        event.save()


def test_a_target_with_an_audit_label_is_logged_by_its_label_not_its_name(facilitator):
    from tests.factories import PersonFactory, RegistrantFactory

    person = PersonFactory(first_name="บุญมี", last_name="ศรีสุข")
    registrant = RegistrantFactory(first_name="สมศรี", last_name="ใจดี")
    person_row = record_audit_event(actor=facilitator, action="person.viewed", target=person)
    registrant_row = record_audit_event(
        actor=facilitator, action="registrant.viewed", target=registrant
    )
    assert person_row.object_repr == f"person {person.public_id}"
    assert registrant_row.object_repr == f"registrant {registrant.public_id}"
    for row in (person_row, registrant_row):
        assert "บุญมี" not in row.object_repr and "สมศรี" not in row.object_repr
        assert person.national_id not in row.object_repr


def test_a_target_without_an_audit_label_is_logged_by_its_str(facilitator):
    village = Area.objects.get(code="49010101")
    event = record_audit_event(actor=facilitator, action="area.viewed", target=village)
    assert event.object_repr == str(village)
