"""The answer to a request that crashed (handler500): never a traceback. When the database is
unreachable (PostgreSQL restarting, the network to it down) it is a 503 "try again shortly"
with Retry-After, since nothing is wrong with the request; other failures are the 500 page. The
API answers the same in JSON. Neither touches the database or the translations."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 15


def _database_down(exc) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


@requires_csrf_token
def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    down = _database_down(exc)
    status = 503 if down else 500
    if request.path.startswith("/api/"):
        detail = (
            "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่ · The database is briefly unavailable; "
            "please try again."
            if down
            else "เกิดข้อผิดพลาดในระบบ · Server error."
        )
        code = "database_unavailable" if down else "server_error"
        response = JsonResponse({"detail": detail, "code": code}, status=status)
    else:
        template = loader.get_template("503.html" if down else template_name)
        response = HttpResponse(template.render(), status=status)
    if down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
