"""Storage: SQLite (aiosqlite, WAL), migrations, encrypted personal data, repositories."""
from storage.crypto import DataCipher
from storage.db import Database, Pruned, Tx
from storage.errors import ConflictError, StorageError
from storage.repos.drafts import ConsentRecord, StoredDraft
from storage.repos.deadlines import Deadline
from storage.repos.reminders import PlannedReminder, Reminder
from storage.repos.cases import CaseEvent, Filing, Notice
from storage.repos.filing_statistics import FilingTally
from storage.repos.staff import Invite, StaffMember, Unit
from storage.models import ROLES, AuditEntry, DialogSession, OutboxMessage, User, channel_of, user_key

__all__ = [
    "ROLES",
    "AuditEntry",
    "CaseEvent",
    "Filing",
    "FilingTally",
    "Invite",
    "Notice",
    "StaffMember",
    "Unit",
    "ConsentRecord",
    "ConflictError",
    "DataCipher",
    "Database",
    "Deadline",
    "DialogSession",
    "OutboxMessage",
    "PlannedReminder",
    "Pruned",
    "Reminder",
    "StorageError",
    "StoredDraft",
    "Tx",
    "User",
    "channel_of",
    "user_key",
]
