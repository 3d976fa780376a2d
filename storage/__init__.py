"""Storage: SQLite (aiosqlite, WAL), migrations, encrypted personal data, repositories."""
from storage.crypto import DataCipher
from storage.db import Database, Tx
from storage.errors import ConflictError, StorageError
from storage.models import ROLES, AuditEntry, DialogSession, User

__all__ = [
    "ROLES",
    "AuditEntry",
    "ConflictError",
    "DataCipher",
    "Database",
    "DialogSession",
    "StorageError",
    "Tx",
    "User",
]
