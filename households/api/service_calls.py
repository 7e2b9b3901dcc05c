"""Calling a service from an API view: the service's Django ValidationError becomes a DRF 400
with the same field errors (or a list of messages when it names no field)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def call_service(service, **kwargs):
    """`service(**kwargs)`; a ValidationError it raises becomes a 400 with field errors."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from error
