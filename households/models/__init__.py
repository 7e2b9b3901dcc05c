"""Household registry models, one module per part of the registry.

registry.py: households, persons, memberships, welfare registrants and field findings.
surveys.py (household-registry issue): survey rounds, answers and classification results.
"""

from .registry import *  # noqa: F403
from .surveys import *  # noqa: F403
