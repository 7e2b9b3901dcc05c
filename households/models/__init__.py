"""Household registry models, one module per part of the registry.

registry.py: households, persons, memberships, welfare registrants and field findings.
households/surveys/models.py: survey rounds, answers and classification results.
"""

from households.surveys.models import *  # noqa: F403

from .registry import *  # noqa: F403
