"""Households: models arrive with their issue."""
