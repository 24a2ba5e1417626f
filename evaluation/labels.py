from django.utils.translation import gettext_lazy as _

from evaluation import scoring

STATUS = {
    scoring.ADVANCE: _("통과선 위"),
    scoring.TIE: _("통과선 동점 (결정 필요)"),
    scoring.BELOW: _("통과선 아래"),
    scoring.GATE_FAILED: _("독자성 미충족 (진출 불가)"),
    scoring.GATE_PENDING: _("독자성 심사 중"),
    scoring.INCOMPLETE: _("근거 부족"),
}

# What a reviewer may publish besides the blocks, with its label (the scorecard's publication form,
# the public page and the service that stores the choice all read this one table).
PUBLISHABLE_EXTRA = {"total": _("총점"), "rank": _("순위"), "gate": _("독자성 판정")}
