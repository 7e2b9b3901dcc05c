import random

import pytest
from django.db import IntegrityError, connection, transaction

from households.models import Person
from ppaos.thai.thai_id import is_valid_national_id

pytestmark = pytest.mark.django_db


def test_database_checksum_agrees_with_python_on_random_ids():
    rng = random.Random(7)
    ids = ["".join(rng.choice("0123456789") for _ in range(13)) for _ in range(2000)]
    ids += ["1101700207030", "1101700230705", "0123456789016"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nid, thai_national_id_is_valid(nid) FROM unnest(%s::text[]) AS nid", [ids]
        )
        database = dict(cursor.fetchall())
    assert database == {nid: is_valid_national_id(nid) for nid in ids}


def test_database_refuses_a_person_with_a_bad_checksum():
    with pytest.raises(IntegrityError, match="checksum"), transaction.atomic():
        Person.objects.create(national_id="1101700230705", first_name="ก", last_name="ข")


def test_database_refuses_a_second_person_with_the_same_id():
    Person.objects.create(national_id="1101700207030", first_name="ก", last_name="ข")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(national_id="1101700207030", first_name="ค", last_name="ง")
