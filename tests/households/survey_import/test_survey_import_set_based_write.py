"""The set-based write of a survey import (households/survey_import/bulk.py) ends exactly as the
household-by-household write through the services does: the same households, persons, surveys,
answers, transitions, duplicate flags, notices, audit rows, counts and messages, for a file
that mixes new households with every case the services decide (a person in two households of
the file, a duplicate-person pair, a known head, a refused amount, consent refused, a bad row)."""

import pytest
from django.db import connection

from households.models import (
    CapitalAnswer,
    DuplicateCandidate,
    Household,
    IndicatorAnswer,
    Membership,
    Person,
    Survey,
    SurveyAccounts,
    SurveyNeed,
    SurveySourceKey,
    SurveyTransition,
)
from ppaos.audit.models import AuditEvent
from ppaos.imports import services
from ppaos.notifications.models import Notice
from tests.households.survey_import.files import household, write_template_xlsx
from tests.imports.files import bad_checksum
from tests.imports.helpers import upload

pytestmark = pytest.mark.django_db

TABLES = (
    "households_household, households_person, households_membership, households_survey, "
    "households_duplicatecandidate, households_persontransferrequest, notifications_notice"
)


def run(user, path, *, dry_run=False):
    job = services.create_import_job(
        actor=user, uploaded_file=upload(path), dry_run=dry_run, kind="surveys"
    )
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def mixed_rows():
    rows = [household(n) for n in range(1, 13)]
    # 2: a member who is also a member of household 5 (the later one is refused).
    rows[4][1][2]["national_id"] = rows[1][1][2]["national_id"]
    # 3: a member with the names and birth date of a member of household 1 (a duplicate flag).
    rows[2][1][1].update(first_name=rows[0][1][1]["first_name"],
                         last_name=rows[0][1][1]["last_name"],
                         birth_date=rows[0][1][1]["birth_date"])  # fmt: skip
    rows[5][0]["income_wages"] = -5  # a negative amount: the draft service refuses it
    rows[6][1][0]["disability"] = "ใช่"  # no consent: refused for that row, a warning
    rows[7][0].update(sensitive_consent="ใช่", consent_given_by="นางสมาชิก1")
    rows[7][1][1]["chronic_illness"] = "ใช่"
    rows[8][1][1]["national_id"] = bad_checksum(rows[8][1][1]["national_id"])
    rows[9][0]["submission_uuid"] = "uuid:0b5e-10"
    rows[10][0]["submission_uuid"] = "uuid:0b5e-10"  # the same submission twice: unchanged
    rows[11][0]["surveyor"] = "fac_490101"
    return rows


def snapshot(audit_after: int, job):
    """What an import wrote, without ids, times or random public ids."""
    nid = dict(Person.objects.values_list("pk", "national_id"))
    house = dict(Household.objects.values_list("pk", "house_number"))
    survey_house = {s.pk: house[s.household_id] for s in Survey.objects.all()}
    people = list(
        Person.objects.order_by("national_id").values_list(
            "national_id", "title", "first_name", "last_name", "birth_date", "sex",
            "welfare_card_holder", "has_disability", "has_chronic_illness", "is_bedridden",
        )
    )  # fmt: skip
    audit = sorted(
        (e.action, e.object_type, e.area_code, e.details.get("relation"), e.details.get("step"),
         e.details.get("fiscal_year"), e.details.get("result"))
        for e in AuditEvent.objects.filter(pk__gt=audit_after).exclude(
            action__startswith="import.")
    )  # fmt: skip
    return {
        "job": (
            job.status,
            job.created_count,
            job.updated_count,
            job.unchanged_count,
            job.rejected_count,
        ),  # fmt: skip
        "errors": sorted(
            (g["code"], g["column"], g["count"], g["message_th"]) for g in job.error_summary
        ),
        "households": sorted(Household.objects.values_list("area_id", "house_number", "status")),
        "persons": people,
        "memberships": sorted(
            (house[m.household_id], nid[m.person_id], m.relation, m.joined_on, m.left_on)
            for m in Membership.objects.all()
        ),
        "surveys": sorted(
            (
                house[s.household_id],
                s.fiscal_year,
                s.status,
                s.version,
                s.surveyed_by_id,
                s.surveyed_on,
                s.notice_given,
                s.lawful_basis,
                s.sensitive_consent,
                s.consent_given_by,
                s.consent_recorded_at is not None,
                s.welfare_card_in_household,
                s.needs_note,
                s.last_step,
                s.submitted_at is not None,
                s.instrument_id,
            )
            for s in Survey.objects.all()
        ),  # fmt: skip
        "indicators": sorted(
            (survey_house[a.survey_id], a.indicator_id, nid.get(a.person_id), a.result)
            for a in IndicatorAnswer.objects.all()
        ),
        "capitals": sorted(
            (survey_house[a.survey_id], a.item_id, a.score) for a in CapitalAnswer.objects.all()
        ),
        "accounts": sorted(
            (survey_house[a.survey_id], *(getattr(a, f) for f in SurveyAccounts.FIELDS))
            for a in SurveyAccounts.objects.all()
        ),
        "needs": sorted(
            (survey_house[n.survey_id], n.category, n.detail) for n in SurveyNeed.objects.all()
        ),
        "transitions": sorted(
            (survey_house[t.survey_id], t.from_status, t.to_status, t.actor_id, t.comment)
            for t in SurveyTransition.objects.all()
        ),
        "keys": sorted((k.key, survey_house[k.survey_id]) for k in SurveySourceKey.objects.all()),
        "duplicates": sorted(
            (
                nid[d.person_id],
                nid.get(d.other_person_id),
                d.other_registrant_id,
                d.area_id,
                d.status,
            )
            for d in DuplicateCandidate.objects.all()
        ),  # fmt: skip
        "notices": sorted(
            (n.recipient_id, n.kind, survey_house_of(n.subject)) for n in Notice.objects.all()
        ),
        "audit": audit,
    }


def survey_house_of(subject: str):
    public_id = subject.split(":", 1)[1]
    return (
        Survey.objects.select_related("household").get(public_id=public_id).household.house_number
    )


def import_and_snapshot(user, path, settings, *, set_based: bool, dry_run=False):
    settings.SURVEY_IMPORT_SET_BASED = set_based
    after = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    job = run(user, path, dry_run=dry_run)
    return snapshot(after, job)


def empty_registry():
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLES} CASCADE")


# Pages of households: one page for the whole file, and pages so small that a member of H2's
# in H5, the names of H1's in H3 and H10's submission key in H11 fall across pages.
PAGE_SIZES = pytest.mark.parametrize("page_size", ["2000", "4", "1"])


@PAGE_SIZES
def test_the_set_based_write_ends_as_the_household_by_household_write(
    facilitator, area_manager, tmp_path, settings, monkeypatch, page_size
):
    monkeypatch.setenv("SURVEY_IMPORT_PAGE_HOUSEHOLDS", page_size)
    path = write_template_xlsx(tmp_path / "mixed.xlsx", mixed_rows())
    set_based = import_and_snapshot(facilitator, path, settings, set_based=True)
    again_set_based = import_and_snapshot(facilitator, path, settings, set_based=True)
    empty_registry()
    by_services = import_and_snapshot(facilitator, path, settings, set_based=False)
    again_by_services = import_and_snapshot(facilitator, path, settings, set_based=False)
    for part in by_services:
        assert set_based[part] == by_services[part], part
        assert again_set_based[part] == again_by_services[part], part
    assert set_based["job"][1:] == (8, 0, 1, 3)  # created, updated, unchanged, rejected
    assert len(set_based["duplicates"]) == 1
    assert {"refused", "national_id", "warning.consent_refused"} <= {
        code for code, *_rest in set_based["errors"]
    }
    assert again_set_based["job"][1:] == (0, 0, 9, 3)  # the same file twice changes nothing


@PAGE_SIZES
def test_a_dry_run_of_the_set_based_write_counts_what_the_services_would_do(
    facilitator, tmp_path, settings, monkeypatch, page_size
):
    # Across pages too: a later page of the dry run sees what an earlier page would have
    # written (H5's member of H2 is refused, H3 is flagged, H11 is H10's unchanged survey).
    monkeypatch.setenv("SURVEY_IMPORT_PAGE_HOUSEHOLDS", page_size)
    path = write_template_xlsx(tmp_path / "dry.xlsx", mixed_rows())
    dry = import_and_snapshot(facilitator, path, settings, set_based=True, dry_run=True)
    assert dry["households"] == [] and dry["persons"] == []
    real = import_and_snapshot(facilitator, path, settings, set_based=True)
    assert dry["job"][1:] == real["job"][1:]
    assert dry["errors"] == real["errors"]


@PAGE_SIZES
def test_a_person_registered_meanwhile_by_someone_else_is_left_to_the_services(
    facilitator, tmp_path, monkeypatch, page_size
):
    """A person typed in by another user after the page was looked up makes the set-based
    insert collide: that run of households goes through the services, which link the person
    (living in no household) — the import neither fails nor registers them twice."""
    monkeypatch.setenv("SURVEY_IMPORT_PAGE_HOUSEHOLDS", page_size)
    rows = [household(n) for n in range(1, 4)]
    meanwhile = rows[1][1][1]["national_id"]
    with connection.cursor() as cursor:
        # What a concurrent registration does, made to happen between the page's look-up and
        # its insert: when the import writes its first household, the person appears.
        cursor.execute(
            f"""CREATE FUNCTION pg_temp.register_meanwhile() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO households_person (created_at, updated_at, public_id,
                      national_id, title, first_name, last_name, sex, education, occupation,
                      welfare_card_holder, has_disability, has_chronic_illness, is_bedridden)
                  VALUES (now(), now(), gen_random_uuid(), '{meanwhile}', '', 'ลงทะเบียน',
                      'ก่อน', '', '', '', false, false, false, false)
                  ON CONFLICT DO NOTHING;
                  RETURN NULL;
                END $$ LANGUAGE plpgsql"""
        )
        cursor.execute(
            "CREATE TRIGGER register_meanwhile AFTER INSERT ON households_household "
            "FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.register_meanwhile()"
        )
        # The set-based write skips triggers where it may (copy_rows.references_kept_by_caller):
        # this one stands for another session's insert, which nothing skips.
        cursor.execute("ALTER TABLE households_household ENABLE ALWAYS TRIGGER register_meanwhile")
    job = run(facilitator, write_template_xlsx(tmp_path / "race.xlsx", rows))
    assert (job.status, job.created_count, job.rejected_count) == ("succeeded", 3, 0)
    assert Person.objects.filter(national_id=meanwhile).count() == 1
    assert Person.objects.get(national_id=meanwhile).first_name == "ลงทะเบียน"  # theirs
    linked = Membership.objects.get(person__national_id=meanwhile)
    assert linked.household.house_number == "2/9"
    assert Membership.objects.count() == 9


def test_a_file_imported_again_is_found_unchanged_without_the_services_one_by_one(
    facilitator, tmp_path, settings, monkeypatch
):
    """The surveys a file submitted (by submission key or by their head) are found unchanged
    from the page's look-ups; only the households the services refuse go through them again,
    and nothing is written."""
    from households.survey_import import writing

    path = write_template_xlsx(tmp_path / "again.xlsx", mixed_rows())
    first = import_and_snapshot(facilitator, path, settings, set_based=True)
    through_services = []
    write_household = writing.write_household

    def spy(**kwargs):
        through_services.append(kwargs["values"]["household_key"])
        return write_household(**kwargs)

    monkeypatch.setattr(writing, "write_household", spy)
    after = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    again = import_and_snapshot(facilitator, path, settings, set_based=True)
    assert again["job"][1:] == (0, 0, 9, 3)
    # H5 (a member of H2's) and H6 (a negative amount) are refused by the services again, H9
    # (a bad checksum) by its own rows; H11 repeats H10's submission key within the file, so
    # the services look at it after H10.
    assert through_services == ["H5", "H6", "H11"]
    for part in ("households", "persons", "memberships", "surveys"):
        assert again[part] == first[part], part
    assert not AuditEvent.objects.filter(pk__gt=after).exclude(action__startswith="import.")
