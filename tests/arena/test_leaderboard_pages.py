import pytest

from arena.battles import services
from arena.models import LeaderboardSnapshot
from arena.ratings import snapshots as leaderboard
from tests.arena.factories import bt_votes, endpoints, finished_battle

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshots(settings):
    settings.LEADERBOARD_MIN_VOTES = 50
    settings.LEADERBOARD_BOOTSTRAP_ROUNDS = 50
    models = endpoints(3)
    bt_votes(models, [0.5, 0.0, -0.5], 600, seed=1)
    bt_votes(models, [0.5, 0.0, -0.5], 100, seed=2, language="other", turn_count=2)
    return leaderboard.snapshot_recompute()


def test_page_shows_ranks_intervals_chart_and_heatmap(client, snapshots):
    html = client.get("/leaderboard/").content.decode()
    assert 'data-testid="leaderboard-table"' in html
    assert 'data-testid="interval-chart"' in html and "<desc" in html
    assert 'data-testid="winrate-table"' in html
    row = snapshots[0].rows[0]
    assert f"{row['ci_low']:.1f} – {row['ci_high']:.1f}" in html
    assert "집계한 표 700개" in html


def test_view_switch_returns_only_the_board_for_htmx(client, snapshots):
    response = client.get("/leaderboard/?view=multi_turn", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="leaderboard-board"' in html and 'data-view="multi_turn"' in html
    assert "집계한 표 100개" in html
    full = client.get("/leaderboard/?view=multi_turn").content.decode()
    assert "<html" in full and 'aria-current="page"' in full


def test_unknown_view_is_a_clear_400(client, snapshots):
    response = client.get("/leaderboard/?view=nonsense")
    assert response.status_code == 400
    assert "알 수 없는 보기" in response.content.decode()


def test_api_serves_the_same_snapshot(client, snapshots):
    body = client.get("/api/v1/leaderboard/?view=overall").json()
    assert body["rows"] == snapshots[0].rows and body["votes_counted"] == 700
    assert client.get("/api/v1/leaderboard/?view=korean").json()["votes_counted"] == 600
    error = client.get("/api/v1/leaderboard/?view=bad")
    assert error.status_code == 400 and error.json()["error"]["code"] == "unknown_view"


def test_api_without_snapshot(client):
    response = client.get("/api/v1/leaderboard/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "no_snapshot"


def test_empty_page_says_so(client):
    assert "아직 집계된 결과가 없습니다" in client.get("/leaderboard/").content.decode()


def test_a_vote_refreshes_the_board_at_most_once_a_minute(
    two_demo_endpoints, voter, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.delete(services.REFRESH_LOCK)
    first, second = finished_battle(voter), finished_battle(voter)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_record(battle_id=first.pk, voter=voter, choice="a")
    assert LeaderboardSnapshot.objects.filter(view="overall").count() == 1
    assert LeaderboardSnapshot.objects.get(view="overall").votes_counted == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_record(battle_id=second.pk, voter=voter, choice="b")
    assert LeaderboardSnapshot.objects.filter(view="overall").count() == 1  # throttled


def test_model_page_shows_standings_and_the_cases_that_use_it(client, snapshots):
    from ax_catalog.loading import sample_load
    from ax_catalog.models import UseCase

    sample_load()
    row = snapshots[0].rows[0]
    used, unused = row["endpoint_id"], snapshots[0].rows[1]["endpoint_id"]
    UseCase.objects.filter(case_id__in=["NTS-2025-001", "SEOUL-2025-001"]).update(sovereign_model_id=used)
    UseCase.objects.filter(case_id="SEOUL-2025-001").update(status="draft")  # unpublished: not listed

    page = client.get(f"/arena/models/{used}/").content.decode()
    assert f"{row['ci_low']:.1f} – {row['ci_high']:.1f}" in page  # its interval in the overall view
    # the cases come from the catalogue as a fragment (the page keeps a real link to it)
    assert f'hx-get="/ax/models/{used}/cases/"' in page and f'href="/ax/models/{used}/cases/"' in page
    html = client.get(f"/ax/models/{used}/cases/", headers={"HX-Request": "true"}).content.decode()
    assert html.count('data-testid="usecase-card"') == 1 and "/ax/cases/NTS-2025-001/" in html
    assert "SEOUL-2025-001" not in html
    assert (
        "이 모델을 쓴다고 공개된 사례가 아직 없습니다"
        in client.get(f"/ax/models/{unused}/cases/").content.decode()
    )
    # the leaderboard links each model to its page, and the catalogue counts its cases
    assert f'href="/arena/models/{used}/"' in client.get("/leaderboard/").content.decode()
    facet = client.get("/api/v1/ax/use-cases/").json()["facets"]["model"]
    assert facet == [{"value": row["model"], "label": row["model"], "count": 1, "selected": False}]
    assert client.get("/arena/models/999999/").status_code == 404


def test_model_page_reveals_no_endpoint_secret(client, snapshots, monkeypatch):
    from arena.models import ModelEndpoint

    endpoint = ModelEndpoint.objects.get(pk=snapshots[0].rows[0]["endpoint_id"])
    endpoint.base_url, endpoint.api_key_env = "http://10.1.2.3:9000/v1", "TEAM_SECRET_KEY"
    endpoint.save()
    monkeypatch.setenv("TEAM_SECRET_KEY", "sk-live-should-never-show")
    html = client.get(f"/arena/models/{endpoint.pk}/").content.decode()
    assert "10.1.2.3" not in html and "TEAM_SECRET_KEY" not in html and "sk-live" not in html
