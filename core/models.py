# Django finds an app's models through its models module; the audit log lives beside audit_record.
from core.audit import AuditLog

__all__ = ["AuditLog"]
