"""Abstract bases every table uses (DESIGN.md §5: created_at/updated_at everywhere)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(TimeStampedModel):
    """A record that appears in a URL: addressed by a random UUID so it cannot be enumerated."""

    public_id = models.UUIDField(_("reference id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
