"""Referrals: models arrive with their issue."""
