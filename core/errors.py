"""Domain errors: a rule of the domain was broken by valid-looking input.

Services raise these; views and the API turn them into a page or one JSON error shape. The message
is safe to show users (Korean first, translated through gettext). A subclass says what kind of
failure it is, so nobody sets `http_status` on an instance.
"""


class DomainError(Exception):
    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    """The thing asked for does not exist, or is not the asker's to see."""

    code = "not_found"
    http_status = 404


class Forbidden(DomainError):
    """The actor may not do this (a role or ownership rule, decided by a service)."""

    code = "forbidden"
    http_status = 403
