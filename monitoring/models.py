"""Monitoring and evaluation: models arrive with their issue."""
