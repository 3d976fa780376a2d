"""Repositories: each takes a connection (inside a transaction) and returns models."""
from storage.repos.audit import AuditRepo
from storage.repos.inbox import InboxRepo
from storage.repos.outbox import OutboxRepo
from storage.repos.sessions import SessionRepo
from storage.repos.updates import UpdateRepo
from storage.repos.users import UserRepo

__all__ = ["AuditRepo", "InboxRepo", "OutboxRepo", "SessionRepo", "UpdateRepo", "UserRepo"]
