"""Storage errors; messages never carry personal data or key material."""
from __future__ import annotations


class StorageError(Exception):
    """The database or the data key cannot be used as asked."""


class ConflictError(StorageError):
    """A write was based on a stale version of the row (optimistic locking)."""
