"""The API's shared pieces: one JSON error shape for every view ({"error": {"code", "message",
"fields"?}}) and the role permission every API class checks with."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core import roles
from core.errors import DomainError


def HasRole(*allowed: str) -> type[BasePermission]:  # noqa: N802 (used like a class: HasRole(...))
    """A DRF permission class admitting users with one of `allowed` (any staff role when none)."""

    class _HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            return roles.has_role(request.user, *(allowed or roles.STAFF_ROLES))

    _HasRole.__name__ = f"HasRole({', '.join(allowed) or 'staff'})"
    return _HasRole


# Anyone with a staff-area role (expert, ministry reviewer, administrator), as a dotted path for
# settings that want one (the API schema is served to staff only).
IsStaff = HasRole()


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"error": {"code": exc.code, "message": str(exc.message)}}, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"error": {"code": "invalid", "message": "입력값을 확인해 주세요.", "fields": response.data}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body = {"error": {"code": getattr(exc, "default_code", "error"), "message": str(detail)}}
    response.data = body
    return response
