"""Showing a national ID: in full to a user who may see IDs in the record's area, masked
("1-1017-xxxxx-xx-0") to everyone else (PDPA data minimisation). Pages and the API both use this."""

from ppaos.accounts.policy import Action, can
from ppaos.thai.thai_id import NationalIdError, format_national_id, mask_national_id


def national_id_for_viewer(user, national_id: str, area_code: str) -> str:
    """`national_id` formatted for `user`, by the area of the record it belongs to ("" when the
    stored value is not a valid ID, so nothing unformatted is ever shown)."""
    try:
        if user is not None and can(user, Action.VIEW_NATIONAL_ID, area_code=area_code or ""):
            return format_national_id(national_id)
        return mask_national_id(national_id)
    except NationalIdError:
        return ""
