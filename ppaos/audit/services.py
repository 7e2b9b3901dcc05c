"""Writing audit rows. Every service that changes data, or shows a person's record, calls this."""

from django.db import connection, transaction

from ppaos.core.copy_rows import copy_rows

from .context import client_address
from .models import AuditEvent


def record_audit_event(
    *,
    actor,
    action: str,
    target=None,
    area_code: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit row, in the caller's transaction (so it commits or rolls back with it).

    `target` is the model instance acted on (optional). Never put personal data such as national
    IDs or names in `details`: the log identifies records by type and id. The row's label is the
    target's `audit_label` when it has one (records of data subjects label themselves without a
    name, PDPA), else `str(target)`.
    """
    with transaction.atomic():
        event = audit_event(
            actor=actor, action=action, target=target, area_code=area_code, details=details
        )
        event.save()
        return event


AUDIT_COLUMNS = (
    "actor_id", "action", "object_type", "object_id", "object_repr", "area_code",
    "client_address", "details", "created_at",
)  # fmt: skip


def record_audit_events(rows: list[tuple]) -> None:
    """Append many rows built with `audit_values`, with one COPY (bulk writes: the survey
    import), in the caller's transaction."""
    copy_rows(AuditEvent, list(AUDIT_COLUMNS), rows)


def audit_event(
    *, actor, action: str, target=None, area_code: str = "", details: dict | None = None
) -> AuditEvent:
    """The unsaved row `record_audit_event` appends."""
    values = audit_values(
        actor=actor, action=action, target=target, area_code=area_code, details=details
    )
    return AuditEvent(**dict(zip(AUDIT_COLUMNS[:-1], values[:-1], strict=True)))


def audit_values(
    *, actor, action: str, target=None, area_code: str = "", details: dict | None = None, at=None
) -> tuple:
    """The values of one audit row (AUDIT_COLUMNS; `at` the time, for a bulk write): the
    target's type, id and label (its `audit_label`, else `str(target)`), its area when none is
    given."""
    object_type = object_id = object_repr = ""
    if target is not None:
        object_type = target._meta.label_lower
        object_id = str(getattr(target, "public_id", None) or target.pk)
        label = getattr(target, "audit_label", None)
        object_repr = str(label if label is not None else target)[:200]
        if not area_code:
            area_code = getattr(target, "area_id", None) or getattr(target, "code", "") or ""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return (
        actor_id, action, object_type, object_id, object_repr, area_code or "",
        client_address.get() or None, details or {}, at,
    )  # fmt: skip


def record_list_read(
    *,
    actor,
    kind: str,
    filters: dict,
    count: int,
    area_code: str = "",
    counts: dict[str, int] | None = None,
    view: str = "",
) -> AuditEvent:
    """Append one row for a list, search or export of personal data (PDPA s.37: reads too).

    One row per request: `kind` names what was listed ("person", "household_search"...), the
    action is "<kind>.listed". `filters` must already be non-identifying (see
    `ppaos.audit.reads.describe_filters`: parameter names, safe values, "given" for free text);
    `count` is the number of records returned, never their ids. `counts` splits `count` by record
    type when one page lists several; `view` is the URL name of the page or endpoint.
    """
    details: dict = {"filters": filters, "count": count}
    if counts:
        details["counts"] = counts
    if view:
        details["view"] = view
    return record_audit_event(
        actor=actor, action=f"{kind}.listed", area_code=area_code, details=details
    )


def purge_audit_events_before(cutoff) -> int:
    """Delete the audit rows written before `cutoff` (their retention period is over); returns
    how many. The database allows it for these rows only, and never for rows under a year old
    (migration 0003). Called by the retention task only."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('ppaos.audit_purge_before', %s, true)", [cutoff.isoformat()]
        )
        cursor.execute("DELETE FROM audit_auditevent WHERE created_at < %s", [cutoff])
        return cursor.rowcount
