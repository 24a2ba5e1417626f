"""Mappings are data files, checked against a schema and against the catalogue before any row is read."""

import json

import pytest

from ax_catalog import mapping
from ax_catalog.models import UseCase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", mapping.available())
def test_every_shipped_mapping_is_valid(name):
    loaded = mapping.load(name)
    assert loaded.name == name and loaded.title


def test_a_mapping_loads_by_path_as_json(tmp_path, catalogue, write_csv, importer):
    spec = {
        "name": "ministry-sheet",
        "title": "부처 엑셀 양식",
        "agency": {"code": "기관코드"},
        "columns": {"사업명": "title", "한줄설명": "summary_one_line", "단계": "stage"},
        "values": {"stage": {"운영 중": "operation", "준비": "planning"}},
        "unmapped": "not_reported",
    }
    path = tmp_path / "ministry.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    rows = [
        {"기관코드": "NTS", "사업명": "세무 상담 AI", "한줄설명": "상담을 돕습니다", "단계": "운영 중"},
        {"기관코드": "NTS", "사업명": "세무 번역 AI", "한줄설명": "번역합니다", "단계": "검토중?"},
    ]
    report = importer(write_csv(rows), str(path))
    assert report.ok and report.created == 2
    assert UseCase.objects.get(title="세무 상담 AI").stage == "operation"
    odd = UseCase.objects.get(title="세무 번역 AI")
    assert odd.stage == "not_reported" and odd.reported_as["stage"] == "검토중?"
    assert odd.source_register == "ministry-sheet" and odd.status == "draft"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"columns": {"a": "no_such_field"}}, "사례에 없는 항목입니다: no_such_field"),
        ({"columns": {"a": "status"}}, "가져오기로 정할 수 없는 항목입니다: status"),
        ({"values": {"stage": {"x": "someday"}}}, "어휘에 없는 값입니다: someday"),
        ({"patterns": [{"field": "stage", "match": "(", "value": "pilot"}]}, "정규식 오류"),
        ({"date_formats": ["%m/%d"]}, "연도가 없는 형식입니다"),
        ({"unmapped": "guess"}, "unmapped"),
        ({"surprise": 1}, "Additional properties"),
    ],
)
def test_a_broken_mapping_says_what_is_wrong(tmp_path, change, problem):
    spec = {"name": "x-map", "title": "x", "agency": {"code": "a"}, "columns": {"t": "title"}} | change
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(mapping.MappingError, match="매핑 파일이 올바르지 않습니다") as error:
        mapping.load(str(path))
    assert problem in str(error.value)


def test_an_unknown_mapping_name_lists_the_shipped_ones():
    with pytest.raises(mapping.MappingError, match="portal, us-federal-2025"):
        mapping.load("uk-atrs")
