"""Domain errors that escape an HTML view become the site's own 404 and 403 pages.

Services say what went wrong in domain terms (core.errors) and never raise HTTP errors; a view that
does not catch `NotFound` or `Forbidden` need not translate them by hand. The API has its own
translation (core.api.exception_handler), which keeps the message and the code.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import Forbidden, NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(str(exception.message)) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(str(exception.message)) from exception
        return None
