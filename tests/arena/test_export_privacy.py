"""The open vote dataset carries none of the personal details of the labelled corpus, in any file."""

import datetime as dt

import pytest
from django.utils import timezone

from arena.battles import services
from arena.models import Vote
from arena.ratings.export import export_votes
from arena.safety import limits
from tests.arena.pii_corpus import CORPUS
from tests.arena.pii_generated import generated

pytestmark = pytest.mark.django_db


def test_the_export_contains_none_of_the_test_values(two_demo_endpoints, voter, tmp_path):
    asked = [(text, labels) for text, labels in CORPUS if labels]
    answered = [(text, labels) for text, labels in generated()[::25] if labels]
    values = [value for _, labels in asked + answered for _, value in labels]
    client = limits.client_of("203.0.113.9", "Mozilla/5.0 Chrome/131.0", "ko-KR")
    # Stored as they came, as rows kept from before a rule existed would be: the export must still
    # not publish them.
    for start in range(0, len(asked), 10):
        battle = services.battle_create(voter=voter)
        finished = timezone.now() - dt.timedelta(seconds=30)
        answer = " ".join(text for text, _ in answered[start // 2 : start // 2 + 8])
        side = services.SideResult(answer, "", 100, 20.0, 5, "stop", "")
        services.turn_record(
            battle=battle,
            index=0,
            prompt="\n".join(text for text, _ in asked[start : start + 10]),
            side_a=side,
            side_b=side,
            started_at=finished - dt.timedelta(seconds=3),
            finished_at=finished,
        )
        services.vote_record(battle_id=battle.pk, voter=voter, choice="a", client=client)
    export_votes(tmp_path)

    published = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    core = {"votes.jsonl", "votes.csv", "leaderboard.json", "models.json", "README.md"}
    assert core <= set(published)
    assert all(name.startswith("k-ai-ranking_") for name in set(published) - core)  # one CSV per board
    everything = "\n".join(published.values())
    leaked = [value for value in values if value in everything]
    assert leaked == []
    assert "[주민등록번호]" in published["votes.jsonl"] and "[주소]" in published["votes.jsonl"]
    # Network hashes are for one day's checks, not for publication.
    network = Vote.objects.values_list("network", flat=True).first()
    assert network and network not in everything
    readme = published["README.md"]
    assert "both answers were redacted" in readme and "IP addresses (never stored)" in readme
    assert "can miss a detail" in readme
