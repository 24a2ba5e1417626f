from portal.models import AuditLog


def audit_record(*, actor, action: str, target: str, reason: str, **details) -> AuditLog:
    """Write one audit entry. Call inside the transaction of the change it records."""
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target=target,
        reason=reason,
        details=details,
    )
