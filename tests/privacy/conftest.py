"""Referral fixtures, for the export's referrals sheet."""

from tests.referrals.conftest import household, make_referral, service  # noqa: F401
