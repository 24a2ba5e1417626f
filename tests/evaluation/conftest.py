import pytest

from core import roles
from evaluation.models import RoundTeam
from evaluation.services import round_create
from tests.arena.factories import endpoints
from tests.personas import make_user


@pytest.fixture
def contest(db):
    """A stage-1 round with three teams whose gates passed, and no evidence yet."""
    round_obj = round_create(template="stage1", slug="r1", name="시험 평가", advance_count=2)
    entries = [
        RoundTeam.objects.create(
            round=round_obj, team=e.team, endpoint=e, gate="pass", hub_repo=f"org/{e.model_id}"
        )
        for e in endpoints(3, prefix="평가")
    ]
    return round_obj, entries


@pytest.fixture
def people(db):
    return {
        "admin": make_user("admin", roles.ADMINISTRATOR),
        "reviewer": make_user("reviewer", roles.MINISTRY_REVIEWER),
        "expert": make_user("expert", roles.EXPERT),
        "expert2": make_user("expert2", roles.EXPERT),
        "citizen": make_user("citizen", roles.CITIZEN),
    }


@pytest.fixture
def final_contest(db):
    """A round from the final template (reinforced originality rule, efficiency block) with three
    teams whose gates passed, and no evidence yet."""
    round_obj = round_create(template="final", slug="f1", name="최종 평가", advance_count=2)
    entries = [
        RoundTeam.objects.create(round=round_obj, team=e.team, endpoint=e, gate="pass")
        for e in endpoints(3, prefix="최종")
    ]
    return round_obj, entries
