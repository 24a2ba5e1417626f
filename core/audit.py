"""The audit log: every staff decision that changes what is counted or published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who, when, what and why. The table keeps its first name (it began in the portal app)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("조치"), max_length=60)
    target = models.CharField(_("대상"), max_length=200)
    reason = models.TextField(_("사유"))
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "core"
        db_table = "portal_auditlog"
        ordering = ["-created_at"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


def audit_record(*, actor, action: str, target: str, reason: str, **details) -> AuditLog:
    """Write one audit entry. Call inside the transaction of the change it records."""
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target=target,
        reason=reason,
        details=details,
    )
