"""The schema as an append-only list of migrations; PRAGMA user_version tracks it.

This is the SQLite schema (a PostgreSQL backend would bring its own DDL for the
same tables). Never edit a migration that has shipped: add a new one at the end. Each script is
run statement by statement inside the open-time transaction (BEGIN IMMEDIATE), so a
failed migration leaves the database at the previous version.
"""
from __future__ import annotations

import sqlite3
from typing import NamedTuple

import aiosqlite

from storage.errors import StorageError


class Migration(NamedTuple):
    """One schema step: the version it brings the database to."""

    version: int
    description: str
    script: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "users, roles, dialog sessions, processed updates, audit log", """
        CREATE TABLE meta (
            name  TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        CREATE TABLE users (
            key        TEXT PRIMARY KEY,
            language   TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- no foreign key: a role may be granted (BOT_ADMIN_IDS) before first contact
        CREATE TABLE user_roles (
            user_key TEXT NOT NULL,
            role     TEXT NOT NULL
                     CHECK (role IN ('applicant', 'clerk', 'reviewer', 'admin')),
            PRIMARY KEY (user_key, role)
        ) WITHOUT ROWID;
        CREATE INDEX user_roles_by_role ON user_roles (role, user_key);
        -- state is AES-GCM ciphertext (DataCipher, aad 'session:' || user_key)
        CREATE TABLE dialog_sessions (
            user_key   TEXT PRIMARY KEY REFERENCES users (key) ON DELETE CASCADE,
            dialog     TEXT NOT NULL,
            state      BLOB NOT NULL,
            version    INTEGER NOT NULL CHECK (version >= 1),
            updated_at TEXT NOT NULL
        );
        CREATE TABLE processed_updates (
            update_id    INTEGER PRIMARY KEY,
            user_key     TEXT NOT NULL,
            processed_at TEXT NOT NULL
        );
        CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);
        -- comment is AES-GCM ciphertext (aad 'audit:' || subject)
        CREATE TABLE audit_log (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      TEXT NOT NULL,
            actor   TEXT NOT NULL,
            action  TEXT NOT NULL,
            subject TEXT NOT NULL,
            before  TEXT,
            after   TEXT,
            comment BLOB
        );
        CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
    """),
    Migration(2, "outbox, unreachable recipients, processed updates keyed by channel", """
        -- payload is AES-GCM ciphertext (aad 'outbox:' || recipient); ids only grow,
        -- so id order is queue order per recipient
        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            recipient       TEXT NOT NULL,
            channel         TEXT NOT NULL,
            payload         BLOB NOT NULL,
            created_at      TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at TEXT NOT NULL,
            sent_at         TEXT,
            state           TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'sent', 'unreachable', 'failed')),
            last_error      TEXT
        );
        CREATE INDEX outbox_due ON outbox (channel, state, next_attempt_at);
        CREATE INDEX outbox_by_recipient ON outbox (recipient, state, id);
        CREATE INDEX outbox_sent ON outbox (state, sent_at);
        -- people a channel cannot reach (blocked the bot); cleared when they write again
        CREATE TABLE unreachable_recipients (
            user_key TEXT PRIMARY KEY,
            since    TEXT NOT NULL
        );
        CREATE TABLE processed_updates_by_channel (
            channel      TEXT NOT NULL,
            update_id    INTEGER NOT NULL,
            user_key     TEXT NOT NULL,
            processed_at TEXT NOT NULL,
            PRIMARY KEY (channel, update_id)
        );
        INSERT INTO processed_updates_by_channel (channel, update_id, user_key, processed_at)
            SELECT substr(user_key, 1, instr(user_key, ':') - 1), update_id, user_key,
                   processed_at
            FROM processed_updates;
        DROP TABLE processed_updates;
        ALTER TABLE processed_updates_by_channel RENAME TO processed_updates;
        CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);
    """),
    # Reserved while three parts are built side by side; each fills its own before it ships.
    Migration(3, "update inbox (raw updates confirmed at once, handled from here), last replies", """
        -- an update written here is confirmed to Telegram at once and deleted once handled;
        -- payload is AES-GCM ciphertext (aad 'inbox:' || channel || ':' || update_id)
        CREATE TABLE update_inbox (
            channel     TEXT NOT NULL,
            update_id   INTEGER NOT NULL,
            payload     BLOB NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (channel, update_id)
        );
        -- the replies of each person's last applied update, kept apart from the session so
        -- that a sent reply is recorded by one UPDATE (sent = how many went out);
        -- replies is AES-GCM ciphertext (aad 'replies:' || user_key)
        CREATE TABLE last_replies (
            user_key  TEXT PRIMARY KEY REFERENCES users (key) ON DELETE CASCADE,
            update_id INTEGER NOT NULL,
            replies   BLOB NOT NULL,
            total     INTEGER NOT NULL CHECK (total >= 0),
            sent      INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0)
        );
    """),
    Migration(4, "drafts of the registration form, consent records", """
        -- content is AES-GCM ciphertext (aad 'draft:' || reference); the statuses are
        -- those of rules/lifecycle.py, which alone decides which may follow which
        CREATE TABLE drafts (
            reference     TEXT PRIMARY KEY,
            status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'under_review',
                              'home_visited', 'approved', 'in_public_notice', 'filed', 'entered',
                              'returned', 'rejected', 'withdrawn', 'cancelled', 'escaped')),
            category      TEXT,
            unit          TEXT,
            applicant_key TEXT,
            created_by    TEXT NOT NULL,
            submitted_by  TEXT,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            submitted_at  TEXT,
            version       INTEGER NOT NULL CHECK (version >= 1),
            content       BLOB NOT NULL
        );
        CREATE INDEX drafts_by_applicant ON drafts (applicant_key, updated_at);
        CREATE INDEX drafts_by_creator ON drafts (created_by, updated_at);
        CREATE INDEX drafts_by_status ON drafts (status, updated_at);
        CREATE INDEX drafts_by_unit ON drafts (unit, status);
        -- one row per answer to a consent text; the newest per subject and scope counts
        CREATE TABLE consents (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            subject     TEXT NOT NULL,
            scope       TEXT NOT NULL CHECK (scope IN ('screening', 'form')),
            version     TEXT NOT NULL,
            given       INTEGER NOT NULL CHECK (given IN (0, 1)),
            recorded_by TEXT NOT NULL,
            at          TEXT NOT NULL
        );
        CREATE INDEX consents_by_subject ON consents (subject, scope, id);
    """),
    Migration(5, "deadlines, reminders, reminder mutes", """
        -- campaign deadlines (names and actions are not personal: in clear)
        CREATE TABLE deadlines (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            campaign   TEXT NOT NULL,
            code       TEXT NOT NULL,
            name_zh    TEXT NOT NULL,
            name_en    TEXT NOT NULL,
            due_date   TEXT NOT NULL,
            audience   TEXT NOT NULL
                       CHECK (audience IN ('drafts', 'clerks', 'reviewers', 'everyone')),
            action_zh  TEXT,
            action_en  TEXT,
            reference  TEXT,
            workdays   INTEGER NOT NULL DEFAULT 0 CHECK (workdays IN (0, 1)),
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (campaign, code)
        );
        CREATE INDEX deadlines_by_date ON deadlines (due_date);
        -- one row per reminder: to a person (recipient) or to an audience, expanded into
        -- one row per person when it fires; payload is AES-GCM ciphertext
        -- (aad 'reminder:' || key); key is unique, so a reminder fires once
        CREATE TABLE reminders (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            key           TEXT NOT NULL UNIQUE,
            subject       TEXT NOT NULL,
            kind          TEXT NOT NULL,
            recipient     TEXT,
            audience      TEXT,
            deadline_date TEXT NOT NULL,
            days_before   INTEGER NOT NULL,
            due_at        TEXT NOT NULL,
            payload       BLOB NOT NULL,
            state         TEXT NOT NULL DEFAULT 'planned'
                          CHECK (state IN ('planned', 'sent', 'withdrawn', 'muted')),
            attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            sent_at       TEXT,
            late          INTEGER NOT NULL DEFAULT 0,
            outbox_id     INTEGER,
            parent_id     INTEGER,
            started_by    TEXT,  -- who sent it now (sees its progress), NULL when planned
            CHECK (recipient IS NOT NULL OR audience IS NOT NULL)
        );
        CREATE INDEX reminders_due ON reminders (state, due_at);
        CREATE INDEX reminders_by_subject ON reminders (subject, state);
        CREATE INDEX reminders_by_recipient ON reminders (recipient, state);
        -- kinds of reminders a person does not want
        CREATE TABLE reminder_mutes (
            user_key TEXT NOT NULL,
            kind     TEXT NOT NULL,
            since    TEXT NOT NULL,
            PRIMARY KEY (user_key, kind)
        ) WITHOUT ROWID;
    """),
    # Reserved while two more parts are built side by side; each fills its own before it ships.
    Migration(6, "staff desk: invites, units, home visits, decisions, notices, filings, help given", """
        -- a grassroots union (基层工会) as the notice names it: contact person and 举报电话 (public)
        CREATE TABLE units (
            name           TEXT PRIMARY KEY,
            contact_person TEXT,
            report_phone   TEXT,
            updated_by     TEXT,
            updated_at     TEXT NOT NULL
        );
        -- the unit a clerk belongs to (a reviewer belongs to the 帮扶中心: unit NULL)
        CREATE TABLE staff_units (
            user_key   TEXT NOT NULL,
            role       TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer')),
            unit       TEXT,
            granted_by TEXT NOT NULL,
            granted_at TEXT NOT NULL,
            PRIMARY KEY (user_key, role)
        );
        -- one-time invite links: only a hash of the code is kept
        CREATE TABLE invites (
            code_hash  TEXT PRIMARY KEY,
            role       TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer')),
            unit       TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_by    TEXT,
            used_at    TEXT
        );
        -- a public notice (6号 三(一)3) of one unit and the drafts it lists
        CREATE TABLE notices (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            unit          TEXT NOT NULL,
            start_date    TEXT NOT NULL,
            end_date      TEXT NOT NULL,
            objections_by TEXT NOT NULL,
            created_by    TEXT NOT NULL,
            created_at    TEXT NOT NULL
        );
        CREATE TABLE notice_households (
            notice_id INTEGER NOT NULL REFERENCES notices (id),
            reference TEXT NOT NULL,
            PRIMARY KEY (notice_id, reference)
        );
        CREATE INDEX notice_households_by_reference ON notice_households (reference);
        -- what staff record about a case: home visits, decisions, objections, help given;
        -- never changed but for an objection's state; the details are encrypted (aad 'case:' || id)
        CREATE TABLE case_events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            reference   TEXT NOT NULL,
            kind        TEXT NOT NULL CHECK (kind IN ('visit', 'decision', 'target', 'objection', 'help')),
            on_date     TEXT NOT NULL,
            state       TEXT CHECK (state IN ('open', 'upheld', 'dismissed')),
            notice_id   INTEGER,
            code        TEXT,
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            resolved_by TEXT,
            resolved_at TEXT,
            content     BLOB NOT NULL
        );
        CREATE INDEX case_events_by_reference ON case_events (reference, kind, id);
        CREATE INDEX case_events_open ON case_events (kind, state);
        -- a filed household: dates and the statistics codes (option keys, no names) in clear
        CREATE TABLE filings (
            reference      TEXT PRIMARY KEY,
            unit           TEXT,
            filed_on       TEXT NOT NULL,
            entry_deadline TEXT NOT NULL,
            entered_on     TEXT,
            card_on        TEXT,
            closed_on      TEXT,
            close_status   TEXT CHECK (close_status IN ('cancelled', 'escaped')),
            close_reason   TEXT,
            category       TEXT,
            primary_cause  TEXT,
            key_group      TEXT,
            measure        TEXT,
            plan           TEXT,
            filed_by       TEXT NOT NULL
        );
        CREATE INDEX filings_by_unit ON filings (unit, filed_on);
        CREATE INDEX filings_by_filed_on ON filings (filed_on);
    """),
    Migration(7, "privacy: keyed hashes of ID numbers, deletion requests, retention", """
        -- a keyed hash (HMAC under a key derived from the data key) of every ID number in a
        -- draft, applicant and members: the same person in two drafts is found without
        -- decrypting (一户一档); role is the person's place in that draft
        CREATE TABLE id_hashes (
            reference TEXT NOT NULL,
            id_hash   TEXT NOT NULL,
            role      TEXT NOT NULL CHECK (role IN ('applicant', 'spouse', 'member')),
            PRIMARY KEY (reference, id_hash, role)
        ) WITHOUT ROWID;
        CREATE INDEX id_hashes_by_hash ON id_hashes (id_hash);
        -- a person's request to delete a record staff hold (submitted or filed): staff
        -- answer it (erased or refused); reason is AES-GCM ciphertext (aad 'deletion:' || id)
        CREATE TABLE deletion_requests (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            reference    TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            state        TEXT NOT NULL DEFAULT 'open'
                         CHECK (state IN ('open', 'erased', 'refused')),
            answered_by  TEXT,
            answered_at  TEXT,
            reason       BLOB
        );
        CREATE UNIQUE INDEX deletion_requests_open ON deletion_requests (reference)
            WHERE state = 'open';
        CREATE INDEX deletion_requests_by_state ON deletion_requests (state, id);
        -- the retention reminder sent for an idle session or unfinished draft: one per
        -- subject ('session:' || key or 'draft:' || reference) and idle-since time
        CREATE TABLE retention_notices (
            subject    TEXT PRIMARY KEY,
            idle_since TEXT NOT NULL,
            warned_at  TEXT NOT NULL
        );
    """),
)

LATEST: int = MIGRATIONS[-1].version


def check_order(migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
    """Versions must be 1, 2, 3, ... with no gaps (a guard for future edits)."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise StorageError(f"migration list out of order at version {migration.version}")


def statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers' BEGIN...END stay whole)."""
    result: list[str] = []
    buffer = ""
    *pieces, rest = script.split(";")
    for piece in pieces:
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                result.append(buffer.strip())
            buffer = ""
    if (buffer + rest).strip():
        raise StorageError("migration script ends with an incomplete statement")
    return result


async def user_version(conn: aiosqlite.Connection) -> int:
    """The schema version recorded in the database file."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def refuse_newer(found: int, known: int = LATEST) -> None:
    """StorageError if the database was written by a newer program."""
    if found > known:
        raise StorageError(
            f"database schema version {found} is newer than this program supports "
            f"({known}); upgrade the program (do not downgrade a database)"
        )


async def migrate(
    conn: aiosqlite.Connection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> int:
    """Apply pending migrations; the caller holds the write transaction."""
    check_order(migrations)
    current = await user_version(conn)
    refuse_newer(current, migrations[-1].version if migrations else 0)
    for migration in migrations:
        if migration.version <= current:
            continue
        for statement in statements(migration.script):
            await conn.execute(statement)
        await conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        current = migration.version
    return current
