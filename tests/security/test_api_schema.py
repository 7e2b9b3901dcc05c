"""The OpenAPI schema: valid without warnings, and every operation documents its error answers."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

_WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_every_operation_documents_401_and_403(schema):
    missing = [
        f"{m.upper()} {p}"
        for p, m, op in _operations(schema)
        if not {"401", "403"} <= set(op["responses"])
    ]
    assert missing == []


def test_every_write_documents_400(schema):
    missing = [
        f"{m.upper()} {p}"
        for p, m, op in _operations(schema)
        if m in _WRITES and "400" not in op["responses"]
    ]
    assert missing == []


def test_every_detail_route_documents_404(schema):
    missing = [
        f"{m.upper()} {p}"
        for p, m, op in _operations(schema)
        if "{" in p and "404" not in op["responses"]
    ]
    assert missing == []


def test_referral_steps_document_409(schema):
    approve = schema["paths"]["/api/v1/referrals/{public_id}/approve/"]["post"]
    accept = schema["paths"]["/api/v1/agency-referrals/{public_id}/accept/"]["post"]
    assert "409" in approve["responses"] and "409" in accept["responses"]


def test_error_bodies_are_one_shape(schema):
    forbidden = schema["paths"]["/api/v1/households/"]["get"]["responses"]["403"]
    ref = forbidden["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Error"
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_blank_agency_email_is_documented(schema):
    email = schema["components"]["schemas"]["Agency"]["properties"]["email"]
    assert "format" not in email and {"maxLength": 0} in email["anyOf"]


def test_finding_household_may_be_null(schema):
    household = schema["components"]["schemas"]["Finding"]["properties"]["household"]
    assert household.get("nullable") is True


def test_member_birth_date_may_be_null(schema):
    birth_date = schema["components"]["schemas"]["Member"]["properties"]["birth_date"]
    assert birth_date.get("nullable") is True


def test_agency_decline_documents_what_it_answers(schema):
    decline = schema["paths"]["/api/v1/agency-referrals/{public_id}/decline/"]["post"]
    body = decline["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/DeclinedReferral"
