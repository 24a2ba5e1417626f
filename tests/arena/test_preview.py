"""The prompt preview: what would be masked, shown to the citizen before anything is sent."""

import json

import pytest

from arena.models import Battle

pytestmark = pytest.mark.django_db


def post(client, payload):
    return client.post("/arena/preview/", data=json.dumps(payload), content_type="application/json")


def test_the_preview_shows_the_citizens_own_text_in_segments_with_the_kind(client):
    client.post("/arena/consent/")
    text = (
        "제 번호는 ０１０－１２３４－５６７８\u200b 이고 주소는 서울 강남구 테헤란로 152, 101동 1203호 입니다"
    )
    data = post(client, {"text": text}).json()
    marked = [s for s in data["segments"] if "kind" in s]
    assert [(s["kind"], s["label"]) for s in marked] == [("phone", "전화번호"), ("address", "주소")]
    assert marked[0]["text"] == "０１０－１２３４－５６７８"  # the characters the citizen typed
    assert "".join(s["text"] for s in data["segments"]) == text.replace("\u200b", "")
    assert data["masked"] == "제 번호는 [전화번호] 이고 주소는 [주소] 입니다"
    assert Battle.objects.count() == 0  # nothing is stored or sent


def test_a_prompt_without_personal_details_has_nothing_to_mask(client):
    client.post("/arena/consent/")
    data = post(client, {"text": "전입신고는 어떻게 하나요?"}).json()
    assert data["kinds"] == [] and data["segments"] == [{"text": "전입신고는 어떻게 하나요?"}]


def test_the_preview_needs_consent_and_a_well_formed_request(client):
    assert post(client, {"text": "010-1234-5678"}).status_code == 403
    client.post("/arena/consent/")
    for bad in ({"text": 5}, {"nothing": "here"}, ["not", "an", "object"]):
        response = post(client, bad)
        assert response.status_code == 400 and "알 수 없는 요청" in response.json()["error"]
    assert client.get("/arena/preview/").status_code == 405
