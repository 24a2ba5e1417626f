"""A service's Forbidden or NotFound that a view does not catch becomes the site's 403 or 404 page."""

import pytest
from django.test import override_settings
from django.urls import include, path

from core.errors import Forbidden, NotFound


def forbidden(request):
    raise Forbidden("이 평가는 다른 전문가에게 배정되었습니다.")


def missing(request):
    raise NotFound("찾는 라운드가 없습니다.")


# The site's URLs too: the error pages are drawn inside the site's header, which links its pages.
urlpatterns = [path("forbidden/", forbidden), path("missing/", missing), path("", include("portal.urls"))]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("url", "status"), [("/forbidden/", 403), ("/missing/", 404)])
def test_domain_errors_become_error_pages(client, url, status):
    assert client.get(url).status_code == status
