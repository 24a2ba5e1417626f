"""Writes of the catalogue: save with validation, portal ids and indexing; the editor-reviewer
workflow; versions; bulk writes for imports; public feedback."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.safety.redaction import redact  # the portal's one PII redactor
from ax_catalog import search
from ax_catalog.models import Feedback, FeedbackStatus, Status, UseCase, UseCaseVersion
from core import roles
from core.errors import Forbidden

SEARCH_FIELDS = [
    ("title", 3),
    ("summary_one_line", 2),
    ("description_public", 1),
    ("problem", 1),
    ("benefits", 1),
    ("outputs", 1),
    ("model_name", 1),
    ("org_unit", 1),
    ("agency_ref", 1),
]
ANALYZE_AFTER = 1000  # rows in one bulk write
_ID_PREFIX = re.compile(r"[^A-Z0-9]")


def usecase_save(
    *, use_case: UseCase, actor=None, action: str = "edit", comment: str = "", validated: bool = False
) -> UseCase:
    """Validate every field against the vocabularies, give a new case its portal id, store, re-index
    and version. Raises ValidationError (nothing is written) on bad input. `validated`: the caller
    already ran usecase_clean."""
    if not validated:
        usecase_clean(use_case, exclude=("case_id",) if not use_case.case_id else ())
    use_case.search_lexemes = search.document_lexemes(_search_fields(use_case))
    for attempt in range(3):
        new_id = not use_case.case_id
        try:
            with transaction.atomic():
                if new_id:
                    use_case.case_id = portal_ids(use_case.agency, 1)[0]
                use_case.save()
                search.index_rows([(use_case.pk, use_case.search_lexemes)])
                _version(use_case, actor, action, comment)
            return use_case
        except IntegrityError:
            # Another save took the same new portal id at the same moment: take the next one.
            if not new_id or attempt == 2:
                raise
            use_case.case_id = ""
    raise AssertionError("unreachable")


def portal_ids(agency, n: int) -> list[str]:
    """The next `n` portal ids for an agency's new cases: CODE-YEAR-SEQ, sequence per agency and year."""
    prefix = f"{_ID_PREFIX.sub('', agency.code.upper())[:12] or 'AX'}-{timezone.now().year}-"
    # Sequences are zero-padded to three digits and grow wider past 999: the longest id is the latest.
    last = (
        UseCase.objects.filter(case_id__startswith=prefix)
        .annotate(width=Length("case_id"))
        .order_by("-width", "-case_id")
        .values_list("case_id", flat=True)
        .first()
    )
    start = int(last.rsplit("-", 1)[1]) if last else 0
    return [f"{prefix}{start + i:03d}" for i in range(1, n + 1)]


def usecase_write_many(
    *, created: list[UseCase], updated: list[UseCase], actor=None, action: str = "import"
) -> None:
    """Store already validated cases in bulk: new ones get portal ids, every one is analysed in one
    batch, written with one statement per table per thousand rows and versioned (what an import of
    thousands of rows needs)."""
    by_agency: dict[int, list[UseCase]] = {}
    for use_case in created:
        by_agency.setdefault(use_case.agency_id, []).append(use_case)
    every = created + updated
    for use_case, lexemes in zip(
        every, search.documents_lexemes([_search_fields(u) for u in every]), strict=True
    ):
        use_case.search_lexemes = lexemes
    with transaction.atomic():
        for cases in by_agency.values():
            for use_case, case_id in zip(cases, portal_ids(cases[0].agency, len(cases)), strict=True):
                use_case.case_id = use_case.case_id or case_id
        UseCase.objects.bulk_create(created, batch_size=1000)
        if updated:
            now = timezone.now()
            for use_case in updated:
                use_case.updated_at = now
            fields = [
                f.name for f in UseCase._meta.concrete_fields if f.name not in ("id", "case_id", "created_at")
            ]
            UseCase.objects.bulk_update(updated, fields, batch_size=500)
        search.index_rows([(u.pk, u.search_lexemes) for u in every])
        numbers = dict(
            UseCaseVersion.objects.filter(use_case__in=updated)
            .values("use_case")
            .annotate(m=Max("number"))
            .values_list("use_case", "m")
        )
        UseCaseVersion.objects.bulk_create(
            [_version_row(u, actor, action, "", number=1) for u in created]
            + [_version_row(u, actor, f"re{action}", "", number=numbers.get(u.pk, 0) + 1) for u in updated],
            batch_size=1000,
        )
    if connection.vendor == "postgresql" and len(every) >= ANALYZE_AFTER:
        # Planner statistics go stale after a bulk load until autovacuum catches up; with them stale
        # the catalogue's queries estimated 12 rows for 10,000 and chose plans 3x slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ax_catalog_usecase")


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
    per constraint, so they are left to the database here, except the one a person can trip over: the
    agency's own id used twice."""
    use_case.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)
    if validate_unique and use_case.agency_ref and use_case.agency_id:
        clash = UseCase.objects.filter(agency_id=use_case.agency_id, agency_ref=use_case.agency_ref)
        if clash.exclude(pk=use_case.pk).exists():
            raise ValidationError(
                {
                    "agency_ref": _("이 기관에 같은 자체 ID(%(ref)s)의 사례가 이미 있습니다.")
                    % {"ref": use_case.agency_ref}
                }
            )


def usecase_check_filing(use_case: UseCase) -> None:
    """What the portal asks before a case goes to review: a name, an agency, one sentence of what it does."""
    if not use_case.summary_one_line.strip():
        raise ValidationError(
            {"summary_one_line": _("검토를 요청하려면 무엇을 하는지 한 문장으로 적어 주세요.")}
        )


def _version(use_case: UseCase, actor, action: str, comment: str) -> None:
    number = (use_case.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    _version_row(use_case, actor, action, comment, number=number).save()


def snapshot_of(use_case: UseCase) -> dict:
    """The record as it stands, JSON-safe (dates as ISO text), for the version history. Fields at their
    default are left out (a record's history is read back with the defaults filled in), which keeps a
    bulk import's versions a third of the size."""
    out = {}
    defaults = _defaults()
    for key, value in model_to_dict(use_case).items():
        if key == "search_lexemes" or (key in defaults and value == defaults[key]):
            continue
        out[key] = value if value is None or isinstance(value, (list, dict, bool, int)) else str(value)
    out.update(
        {
            "case_id": use_case.case_id,
            "reported_as": use_case.reported_as,
            "source_extra": use_case.source_extra,
            "source_register": use_case.source_register,
            "status": use_case.status,
        }
    )
    return out


@functools.lru_cache(maxsize=1)
def _defaults() -> dict:
    return {
        f.name: f.get_default()
        for f in UseCase._meta.concrete_fields
        if f.has_default() or f.blank and not f.null and f.get_internal_type() in ("CharField", "TextField")
    }


def _version_row(use_case: UseCase, actor, action: str, comment: str, *, number: int) -> UseCaseVersion:
    return UseCaseVersion(
        use_case=use_case,
        number=number,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
        snapshot=snapshot_of(use_case),
    )


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
# What a reviewer may open: cases waiting for review, and published ones (to return them). Never an
# agency's draft or a case handed back to its editor.
REVIEWABLE = (Status.SUBMITTED, Status.PUBLISHED)


def usecase_transition(*, use_case: UseCase, action: str, actor, comment: str = "") -> UseCase:
    """Move a case through draft -> submitted -> published (or back to the editor with a comment)."""
    allowed_from, target, who = TRANSITIONS[action]
    if not roles.has_role(actor, *who):
        raise Forbidden(_("이 단계로 옮길 권한이 없습니다."))
    if use_case.status not in allowed_from:
        raise ValidationError(
            _("지금 상태(%(s)s)에서는 할 수 없는 작업입니다.") % {"s": use_case.get_status_display()}
        )
    if action == "return" and not comment.strip():
        raise ValidationError(_("보완 요청에는 의견을 적어 주세요."))
    if action == "submit":
        usecase_check_filing(use_case)
    use_case.status = target
    use_case.review_comment = comment if action == "return" else use_case.review_comment
    return usecase_save(use_case=use_case, actor=actor, action=action, comment=comment)


def feedback_submit(*, use_case: UseCase, text: str) -> Feedback:
    """A citizen's comment on a published case, stored only as redacted text, waiting for moderation."""
    if use_case.status != Status.PUBLISHED:
        raise ValidationError(_("공개된 사례에만 의견을 남길 수 있습니다."))
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError(_("의견을 적어 주세요."))
    if len(cleaned) > 1000:
        raise ValidationError(_("의견은 1,000자 이내로 적어 주세요."))
    return Feedback.objects.create(use_case=use_case, text=redact(cleaned).text)


def feedback_allowance_take(network: str) -> bool:
    """One comment from `network` (a /24 or /48) this hour, if it has not sent AX_FEEDBACK_PER_HOUR yet.
    Counted in the cache (Redis across processes); the network is kept only as a keyed hash."""
    window = int(time.time() // 3600)
    digest = hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256).hexdigest()[:32]
    key = f"ax:feedback:{digest}:{window}"
    cache.add(key, 0, timeout=3700)
    if cache.incr(key) > settings.AX_FEEDBACK_PER_HOUR:
        cache.decr(key)
        return False
    return True


def feedback_moderate(*, feedback: Feedback, approve: bool, actor) -> Feedback:
    """A ministry reviewer passes a comment on to the agency, or rejects it (kept, never shown)."""
    if not roles.has_role(actor, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR):
        raise Forbidden(_("의견은 부처 검토자만 처리할 수 있습니다."))
    if feedback.status != FeedbackStatus.PENDING:
        raise ValidationError(_("이미 처리한 의견입니다."))
    feedback.status = FeedbackStatus.APPROVED if approve else FeedbackStatus.REJECTED
    feedback.moderated_at = timezone.now()
    feedback.moderated_by = actor
    feedback.save(update_fields=["status", "moderated_at", "moderated_by"])
    return feedback
