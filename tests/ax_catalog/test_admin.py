"""Administrators assign agency editors in the admin; use cases are read-only there."""

import pytest
from django.contrib.auth import get_user_model

from ax_catalog.loading import sample_load
from ax_catalog.models import Agency, UseCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("root", "root@example.kr", "pw-for-tests")


def test_an_administrator_assigns_an_editor_to_an_agency(client, admin_user):
    sample_load()
    editor = get_user_model().objects.create_user("editor", password="pw-for-tests")
    agency = Agency.objects.first()
    client.force_login(admin_user)
    page = client.get(f"/admin/ax_catalog/agency/{agency.pk}/change/")
    assert page.status_code == 200 and 'name="editors"' in page.content.decode()
    response = client.post(
        f"/admin/ax_catalog/agency/{agency.pk}/change/",
        {
            "code": agency.code,
            "name": agency.name,
            "agency_type": agency.agency_type,
            "country": agency.country,
            "editors": [editor.pk],
        },
    )
    assert response.status_code == 302
    assert list(agency.editors.all()) == [editor]


def test_use_cases_are_read_only_in_the_admin(client, admin_user):
    sample_load()
    case = UseCase.objects.first()
    client.force_login(admin_user)
    assert client.get("/admin/ax_catalog/usecase/add/").status_code == 403
    page = client.get(f"/admin/ax_catalog/usecase/{case.pk}/change/").content.decode()
    assert 'name="title"' not in page and case.title in page
    client.post(f"/admin/ax_catalog/usecase/{case.pk}/change/", {"title": "바꾼 제목"})
    case.refresh_from_db()
    assert case.title != "바꾼 제목"
