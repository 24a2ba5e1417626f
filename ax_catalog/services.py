"""Writes of the catalogue: save with validation and indexing, the editor-reviewer workflow, versions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from ax_catalog import search
from ax_catalog.models import Status, UseCase, UseCaseVersion
from core import roles

SEARCH_FIELDS = [("title", 3), ("summary_one_line", 2), ("description_public", 1), ("problem", 1),
                 ("benefits", 1), ("outputs", 1), ("model_name", 1), ("org_unit", 1)]  # fmt: skip
ANALYZE_AFTER = 1000  # rows in one bulk import


def usecase_save(
    *, use_case: UseCase, actor=None, action: str = "edit", comment: str = "", validated: bool = False
) -> UseCase:
    """Validate every field against the vocabularies, store, re-index and version. Raises
    ValidationError (nothing is written) on bad input. `validated`: the caller already ran usecase_clean."""
    if not validated:
        usecase_clean(use_case)
    use_case.search_lexemes = search.document_lexemes(_search_fields(use_case))
    with transaction.atomic():
        use_case.save()
        search.index_rows([(use_case.pk, use_case.search_lexemes)])
        _version(use_case, actor, action, comment)
    return use_case


def usecase_create_many(*, use_cases: list[UseCase], actor=None, action: str = "import") -> list[UseCase]:
    """Store new, already validated cases in bulk: one analyser batch, one insert per table per
    thousand rows, and a first version for each (what an import of thousands of rows needs)."""
    for use_case, lexemes in zip(
        use_cases, search.documents_lexemes([_search_fields(u) for u in use_cases]), strict=True
    ):
        use_case.search_lexemes = lexemes
    with transaction.atomic():
        UseCase.objects.bulk_create(use_cases, batch_size=1000)
        search.index_rows([(u.pk, u.search_lexemes) for u in use_cases])
        UseCaseVersion.objects.bulk_create(
            [_version_row(u, actor, action, "", number=1) for u in use_cases], batch_size=1000
        )
    if connection.vendor == "postgresql" and len(use_cases) >= ANALYZE_AFTER:
        # Planner statistics go stale after a bulk load until autovacuum catches up; with them stale
        # the catalogue's queries estimated 12 rows for 10,000 and chose plans 3x slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ax_catalog_usecase")
    return use_cases


def _search_fields(use_case: UseCase) -> list[tuple[str, int]]:
    """The record's searchable text by weight; fields of one weight are analysed together."""
    by_weight: dict[int, list[str]] = {}
    for field, weight in SEARCH_FIELDS:
        by_weight.setdefault(weight, []).append(getattr(use_case, field) or "")
    by_weight[1].append(use_case.agency.name if use_case.agency_id else "")
    return [("\n".join(texts), weight) for weight, texts in by_weight.items()]


def usecase_clean(use_case: UseCase, *, validate_unique: bool = True, exclude: tuple[str, ...] = ()) -> None:
    """Field validation, vocabularies included (they are the fields' choices). The check constraints
    repeat the vocabularies for the database's sake; Django would re-check each of them with a query
    per constraint, so they are left to the database here."""
    use_case.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)


def _version(use_case: UseCase, actor, action: str, comment: str) -> None:
    number = (use_case.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    _version_row(use_case, actor, action, comment, number=number).save()


def _version_row(use_case: UseCase, actor, action: str, comment: str, *, number: int) -> UseCaseVersion:
    snapshot = {
        k: str(v) if v is not None else None
        for k, v in model_to_dict(use_case).items()
        if k != "search_lexemes"
    }
    return UseCaseVersion(
        use_case=use_case, number=number, action=action, actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment, snapshot=snapshot,
    )  # fmt: skip


TRANSITIONS = {
    # action: (allowed from, to, who may)
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED, (roles.AGENCY_EDITOR, roles.ADMINISTRATOR)),
    "publish": ({Status.SUBMITTED}, Status.PUBLISHED, (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)),
    "return": (
        {Status.SUBMITTED, Status.PUBLISHED},
        Status.RETURNED,
        (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR),
    ),
}


def usecase_transition(*, use_case: UseCase, action: str, actor, comment: str = "") -> UseCase:
    """Move a case through draft -> submitted -> published (or back to the editor with a comment)."""
    allowed_from, target, who = TRANSITIONS[action]
    if not roles.has_role(actor, *who):
        raise PermissionDenied
    if use_case.status not in allowed_from:
        raise ValidationError(
            _("지금 상태(%(s)s)에서는 할 수 없는 작업입니다.") % {"s": use_case.get_status_display()}
        )
    if action == "return" and not comment.strip():
        raise ValidationError(_("보완 요청에는 의견을 적어 주세요."))
    use_case.status = target
    use_case.review_comment = comment if action == "return" else use_case.review_comment
    return usecase_save(use_case=use_case, actor=actor, action=action, comment=comment)
