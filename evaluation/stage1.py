"""The stage-1 round the first data migration preloads (slug `stage-1`), from the stage-1 template
(evaluation/round_templates.py)."""

from evaluation.round_templates import STAGE1, blocks_build

ROUND = {"slug": "stage-1", "name": "1차 단계평가", "stage": 1, "advance_count": 4}


def build(round_obj, Block, SubItem) -> None:  # noqa: N803 - historical model classes from a migration
    """The stage-1 blocks on a round, with only the fields the models had at that migration."""
    blocks_build(round_obj, STAGE1, Block, SubItem, bilingual=False)
