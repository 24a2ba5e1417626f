"""Open-data hygiene: reports of sensitive data found in a published export, and what is done about them.

A reporter names the file, the row (vote_id or battle_id) and what they found. They get a receipt and a
private status link; an e-mail address is optional and is erased as soon as the outcome has been sent
(the status link keeps working without it). A reviewer either redacts the row or answers that nothing
needed removing; redacting blanks the battle's stored text (prompts, answers, the vote's reason) and
puts the vote on the list every later export consults, so a restored backup cannot bring the text back
into a published file. Every decision is audit-logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arena.errors import ArenaError
from arena.models import DataReport, Turn, Vote, VoteReason
from arena.safety.redaction import redact
from core.audit import audit_record

logger = logging.getLogger("arena.ratings.open_data")
REDACTED_TEXT = "[신고에 따라 가림]"


class ReportInvalid(ArenaError):
    code = "report_invalid"


def _key_hash(key: str) -> str:
    return hashlib.sha256(f"data-report:{key}".encode()).hexdigest()


def vote_for_row(row: str) -> Vote | None:
    """The vote a reporter's row reference names: a vote_id (number) or a battle_id (uuid)."""
    text = row.strip()
    if text.isdigit():
        return Vote.objects.filter(pk=int(text)).first()
    try:
        return Vote.objects.filter(battle_id=uuid.UUID(text)).first()
    except ValueError:
        return None


def data_report_submit(*, file: str, row: str, what: str, contact_email: str = "") -> tuple[DataReport, str]:
    """File a report. Returns it with the status key (shown once; only its hash is kept). The description
    is redacted before it is stored: people often quote the very data they report."""
    if file not in DataReport.File.values:
        raise ReportInvalid(_("어느 파일인지 골라 주세요."))
    row, what = row.strip(), what.strip()
    if not row or len(row) > 80:
        raise ReportInvalid(_("행을 vote_id(숫자) 또는 battle_id로 적어 주세요."))
    if len(what) < 5 or len(what) > 4000:
        raise ReportInvalid(_("무엇이 문제인지 5자 이상 4000자 이하로 적어 주세요."))
    key = secrets.token_urlsafe(24)
    report = DataReport.objects.create(
        receipt="R-" + secrets.token_hex(5).upper(),
        status_key_hash=_key_hash(key),
        file=file,
        row=row,
        vote=vote_for_row(row),
        what=redact(what).text,
        contact_email=contact_email.strip(),
    )
    return report, key


def data_report_for_status(receipt: str, key: str) -> DataReport | None:
    report = DataReport.objects.filter(receipt=receipt).first()
    if report is None or not hmac.compare_digest(report.status_key_hash, _key_hash(key)):
        return None
    return report


def redacted_vote_ids() -> set[int]:
    """Votes whose text every export must leave out."""
    return set(
        DataReport.objects.filter(status=DataReport.Status.REDACTED, vote__isnull=False).values_list(
            "vote_id", flat=True
        )
    )


def data_report_decide(*, report: DataReport, reviewer, redact_row: bool, note: str) -> DataReport:
    """Redact the reported row (or decline), audit it, and tell the reporter."""
    note = note.strip()
    if len(note) < 5:
        raise ReportInvalid(_("처리 결과를 5자 이상 적어 주세요. 신고자에게 그대로 전달됩니다."))
    with transaction.atomic():
        locked = DataReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != DataReport.Status.RECEIVED:
            raise ReportInvalid(_("이미 처리한 신고입니다."))
        turns = 0
        if redact_row:
            vote = locked.vote or vote_for_row(locked.row)
            if vote is None:
                raise ReportInvalid(
                    _("신고한 행에 해당하는 투표를 찾지 못했습니다. 행 번호를 확인해 주세요.")
                )
            locked.vote = vote
            turns = Turn.objects.filter(battle_id=vote.battle_id).update(
                prompt=REDACTED_TEXT,
                response_a=REDACTED_TEXT,
                response_b=REDACTED_TEXT,
                reasoning_a="",
                reasoning_b="",
            )
            VoteReason.objects.filter(vote=vote).update(text=REDACTED_TEXT)
        locked.status = DataReport.Status.REDACTED if redact_row else DataReport.Status.REJECTED
        locked.decision_note = note[:4000]
        locked.decided_by = reviewer
        locked.decided_at = timezone.now()
        locked.save()
        audit_record(
            actor=reviewer,
            action="open_data_redact" if redact_row else "open_data_report_decline",
            target=f"report:{locked.receipt}" + (f"/vote:{locked.vote_id}" if locked.vote_id else ""),
            reason=note,
            file=locked.file,
            turns_blanked=turns,
        )
        transaction.on_commit(lambda: _notify(locked.pk))
    return locked


def _notify(report_id: int) -> None:
    """E-mail the outcome when an address was given, then forget the address whatever happened: the
    status link tells the outcome too, so the address is never needed again."""
    report = DataReport.objects.get(pk=report_id)
    sent = False
    if report.contact_email:
        try:
            sent = bool(
                send_mail(
                    _("[K-AI 공개 자료] 신고 %(receipt)s 처리 결과") % {"receipt": report.receipt},
                    _("신고하신 내용을 처리했습니다: %(status)s\n\n%(note)s")
                    % {"status": report.get_status_display(), "note": report.decision_note},
                    None,
                    [report.contact_email],
                )
            )
        except OSError as error:  # SMTP unreachable: the status link still has the answer
            logger.warning(
                "data report %s: outcome e-mail not sent (%s)", report.receipt, type(error).__name__
            )
    DataReport.objects.filter(pk=report_id).update(
        contact_email="", notified_at=timezone.now() if sent else None
    )
