"""Pure (synchronous) state of the fake Telegram Bot API: records, parsing, methods.

The HTTP server, long polling, failure injection and the test-side API live in
:mod:`tests.e2e.fake_telegram`; read its docstring first.  This module holds what
Telegram "knows": users, chats, messages, pending updates, commands, files, and the
Bot API methods as plain functions that return a result or raise :class:`ApiError`.

Behaviour copied from Telegram (core.telegram.org/bots/api and tdlib's parse_html):
error descriptions, UTF-16 entity offsets, Unix-second dates, per-chat message ids,
HTML parse errors with UTF-8 byte offsets, "message is not modified", editing text
without ``reply_markup`` removes the inline keyboard, callback data <= 64 bytes,
commands ``[a-z0-9_]{1,32}`` and two-letter ``language_code`` only.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

# ---------------------------------------------------------------- errors & records


class ApiError(Exception):
    """A Bot API error: answered as {"ok": false, "error_code": status, "description": ...}."""

    def __init__(self, status: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Call:
    """One recorded HTTP call to the Bot API (applied or not)."""

    method: str                   # canonical name, e.g. "sendMessage" (raw name if unknown)
    params: dict[str, Any]        # decoded: ints are ints, JSON fields are dicts/lists
    time: float                   # time.monotonic() when the request arrived
    applied: bool = False         # True only if Telegram state was changed / result returned
    status: int = 0               # HTTP status answered (0 = still running)
    error: str | None = None      # description of the error answered, if any
    injected: str | None = None   # failure kind injected by the test ("429", "timeout", ...)
    result: Any = None

    @property
    def failed(self) -> bool:
        return self.status != 200


@dataclass
class UploadedFile:
    """A multipart file part as received."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self.data)} bytes)"


@dataclass
class Document:
    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes = field(repr=False)

    @property
    def filename(self) -> str | None:
        return self.file_name

    @property
    def file_path(self) -> str:
        return f"documents/{self.file_unique_id}_{self.file_name or 'file'}"

    def to_api(self) -> dict:
        d = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
             "file_size": len(self.data)}
        if self.file_name:
            d["file_name"] = self.file_name
        if self.mime_type:
            d["mime_type"] = self.mime_type
        return d


@dataclass(eq=False)
class Message:
    """A message in a private chat, live: edits update it in place (see ``history``)."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None            # as the user sees it (after parse_mode); None for documents
    caption: str | None = None         # rendered caption of a document
    raw: str | None = None             # text/caption exactly as the bot sent it
    parse_mode: str | None = None
    entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None   # inline keyboard or reply keyboard as sent
    document: Document | None = None
    reply_to: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[tuple[str | None, dict | None]] = field(default_factory=list)

    @property
    def content(self) -> str | None:
        return self.text if self.document is None else self.caption

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows of (text, callback_data); url buttons have data None."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text"), b.get("callback_data")) for b in row] for row in rows]

    @property
    def button_texts(self) -> list[str]:
        return [t for row in self.buttons for t, _ in row]

    @property
    def reply_keyboard(self) -> list[list[str]]:
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text") for b in row] for row in rows]

    def to_api(self, state: "BotState") -> dict:
        d: dict[str, Any] = {"message_id": self.message_id, "date": self.date,
                             "chat": state.chat_dict(self.chat_id),
                             "from": state.bot_user if self.from_bot
                             else state.user_dict(self.chat_id)}
        ents_key = "entities"
        if self.document is not None:
            d["document"] = self.document.to_api()
            ents_key = "caption_entities"
            if self.caption:
                d["caption"] = self.caption
        elif self.text is not None:
            d["text"] = self.text
        if self.entities:
            d[ents_key] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            d["reply_markup"] = self.reply_markup
        if self.edit_date:
            d["edit_date"] = self.edit_date
        if self.reply_to and (r := state.messages.get((self.chat_id, self.reply_to))):
            d["reply_to_message"] = {k: v for k, v in r.to_api(state).items()
                                     if k != "reply_to_message"}
        return d

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        extra = f" buttons={self.button_texts}" if self.buttons else ""
        doc = f" document={self.document.file_name!r}" if self.document else ""
        return f"<Message {who} #{self.message_id} {self.content!r}{doc}{extra}>"


@dataclass
class Edit:
    """A snapshot taken when the bot edited (or deleted) one of its messages."""

    method: str                    # editMessageText / editMessageReplyMarkup / ... / deleteMessage
    message: Message               # the live message
    text: str | None               # content after the edit
    reply_markup: dict | None
    time: float

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text"), b.get("callback_data")) for b in row] for row in rows]


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    message: Message
    data: str
    answered: bool = False
    answer: dict | None = None     # answerCallbackQuery params (text, show_alert, ...)


# ---------------------------------------------------------------- text helpers


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


_SPACE = b" \t\r\n\x0b\x00"
_TAGS = {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
         "tg-emoji", "span", "pre", "code", "blockquote", "tg-time"}
_SIMPLE = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold", "u": "underline",
           "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
           "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler"}
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


def _decode_entity(src: bytes, pos: int) -> tuple[int, int]:
    """tdlib decode_html_entity: (code point or 0, position after the entity)."""
    end, n = pos + 1, len(src)
    if end < n and src[end:end + 1] == b"#":
        end += 1
        hexa = end < n and src[end:end + 1] == b"x"
        end += hexa
        start, digits = end, b"0123456789abcdefABCDEF" if hexa else b"0123456789"
        while end < n and src[end] in digits:
            end += 1
        res = int(src[start:end], 16 if hexa else 10) if end > start else 0
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while end < n and chr(src[end]).isascii() and chr(src[end]).isalpha():
            end += 1
        ch = _NAMED.get(src[pos + 1:end])
        if ch is None:
            return 0, pos
        res = ord(ch)
    return res, end + (1 if end < n and src[end:end + 1] == b";" else 0)


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Telegram's HTML parse mode (tdlib parse_html): returns (text, entities) or raises
    ApiError 400 "can't parse entities: ..." with tdlib's wording and UTF-8 byte offsets."""
    src, out, u16, stack, ents, i = text.encode(), bytearray(), 0, [], [], 0
    n = len(src)

    def fail(msg: str) -> ApiError:
        return bad_request(f"can't parse entities: {msg}")

    def put(cp: int) -> None:
        nonlocal u16
        try:
            out.extend(chr(cp).encode())
        except UnicodeEncodeError:
            raise fail("Text contains invalid Unicode characters after decoding HTML "
                       "entities, check for unmatched surrogate code units") from None
        u16 += 2 if cp > 0xFFFF else 1

    while i < n:
        c = src[i]
        if c == 0x26:  # '&'
            cp, j = _decode_entity(src, i)
            if cp:
                put(cp)
                i = j
                continue
        if c != 0x3C:  # not '<'
            if c & 0xC0 != 0x80:
                u16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue
        begin, i = i, i + 1
        if i < n and src[i] == 0x2F:  # end tag
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {begin}")
            j = i = i + 1
            while i < n and src[i] not in _SPACE and src[i] != 0x3E:
                i += 1
            end_name = src[j:i].decode(errors="replace").lower()
            while i < n and src[i] in _SPACE:
                i += 1
            if i >= n or src[i] != 0x3E:
                raise fail(f"Unclosed end tag at byte offset {begin}")
            i += 1
            tag, arg, start, attrs = stack.pop()
            if end_name and end_name != tag:
                raise fail(f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                           f'found "</{end_name}>"')
            if u16 > start:
                ent = _entity(tag, arg, attrs, start, u16 - start, fail)
                if ent:
                    ents.append(ent)
            continue
        j = i
        while i < n and src[i] not in _SPACE and src[i] != 0x3E:
            i += 1
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {begin}")
        tag = src[j:i].decode(errors="replace").lower()
        if tag not in _TAGS:
            raise fail(f'Unsupported start tag "{tag}" at byte offset {begin}')
        attrs: dict[str, str] = {}
        while i < n and src[i] != 0x3E:
            while i < n and src[i] in _SPACE:
                i += 1
            if i >= n or src[i] == 0x3E:
                break
            a = i
            while i < n and src[i] not in _SPACE and src[i] not in b"=>":
                i += 1
            name = src[a:i].decode(errors="replace").lower()
            if not name:
                raise fail(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while i < n and src[i] in _SPACE:
                i += 1
            value = ""
            if i < n and src[i] == 0x3D:  # '='
                i += 1
                while i < n and src[i] in _SPACE:
                    i += 1
                if i >= n:
                    raise fail(f'Unclosed start tag "{tag}" at byte offset {begin}')
                if src[i] not in b"'\"":
                    t = i
                    while i < n and (chr(src[i]).isalnum() and src[i] < 128 or src[i] in b".-"):
                        i += 1
                    value = src[t:i].decode().lower()
                    if i < n and src[i] not in _SPACE and src[i] != 0x3E:
                        raise fail(f"Unexpected end of name token at byte offset {t}")
                else:
                    quote, buf, i = src[i], bytearray(), i + 1
                    while i < n and src[i] != quote:
                        cp, j = _decode_entity(src, i) if src[i] == 0x26 else (0, i)
                        if cp:
                            buf.extend(chr(cp).encode(errors="replace"))
                            i = j
                        else:
                            buf.append(src[i])
                            i += 1
                    i += 1 if i < n else 0
                    value = buf.decode(errors="replace")
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            attrs[name] = value
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {begin}")
        i += 1
        arg = {"a": attrs.get("href", ""), "tg-emoji": attrs.get("emoji-id", ""),
               "span": attrs.get("class", "")}.get(tag, "")
        if tag == "code" and attrs.get("class", "").startswith("language-"):
            arg = attrs["class"][9:]
        if tag == "span" and arg != "tg-spoiler":
            raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        stack.append((tag, arg, u16, attrs))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    ents.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.decode(), ents


def _entity(tag: str, arg: str, attrs: dict, off: int, length: int, fail) -> dict | None:
    e: dict[str, Any] = {"offset": off, "length": length}
    if tag in _SIMPLE:
        e["type"] = _SIMPLE[tag]
    elif tag == "a":
        url = arg  # (tdlib falls back to the link text when href is empty; we drop it)
        if not url or re.search(r"\s", url):
            return None
        e.update(type="text_link", url=url)
    elif tag == "tg-emoji":
        if not arg.isdigit() or int(arg) == 0:
            raise fail("Invalid custom emoji identifier specified")
        e.update(type="custom_emoji", custom_emoji_id=arg)
    elif tag in ("pre", "code"):
        e["type"] = tag
        if arg:
            e.update(type="pre", language=arg)
    elif tag == "blockquote":
        e["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    elif tag == "tg-time":
        e.update(type="date_time", unix_time=int(attrs.get("unix", "0") or 0))
    return e


def trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram strips leading/trailing whitespace; entities are shifted and clipped."""
    left = utf16_len(text[: len(text) - len(text.lstrip())])
    body = text.strip()
    size, res = utf16_len(body), []
    for e in entities:
        start = max(e["offset"] - left, 0)
        end = min(e["offset"] + e["length"] - left, size)
        if end > start:
            res.append({**e, "offset": start, "length": end - start})
    return body, res


_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def command_entities(text: str) -> list[dict]:
    return [{"type": "bot_command", "offset": utf16_len(text[: m.start()]),
             "length": utf16_len(m.group())} for m in _COMMAND.finditer(text)]


# ---------------------------------------------------------------- parameter decoding

INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "cache_time",
              "max_connections", "message_thread_id", "reply_to_message_id", "from_chat_id"}
BOOL_PARAMS = {"show_alert", "drop_pending_updates", "disable_notification", "protect_content",
               "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
               "disable_content_type_detection", "allow_paid_broadcast",
               "show_caption_above_media"}
JSON_PARAMS = {"reply_markup", "commands", "scope", "allowed_updates", "entities",
               "caption_entities", "link_preview_options", "reply_parameters", "media"}


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Form/query values are strings with JSON-encoded complex fields (as PTB sends them);
    JSON bodies are already typed.  Both end up with the same Python types."""
    out: dict[str, Any] = {}
    for k, v in raw.items():
        if isinstance(v, str):
            if k in JSON_PARAMS:
                try:
                    v = json.loads(v)
                except ValueError:
                    what = "reply keyboard markup" if k == "reply_markup" else k
                    raise bad_request(f"can't parse {what} JSON object") from None
            elif k in INT_PARAMS and re.fullmatch(r"-?\d+(\.\d*)?", v.strip()):
                v = int(v) if v.strip().lstrip("-").isdigit() else float(v)
            elif k in BOOL_PARAMS:
                v = v.strip().lower() in ("true", "1")
        out[k] = v
    return out


# ---------------------------------------------------------------- the state & methods

LANG = re.compile(r"^[a-z]{2}$")
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                "upload_voice", "upload_document", "choose_sticker", "find_location",
                "record_video_note", "upload_video_note"}
NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


class BotState:
    """Everything the fake server knows; ``methods`` maps lower-case names to handlers."""

    def __init__(self, token: str, username: str, first_name: str,
                 on_change: Callable[[], None]):
        self.token, self.on_change = token, on_change
        self.bot_user = {"id": int(token.split(":")[0]) if token.split(":")[0].isdigit()
                         else 1, "is_bot": True, "first_name": first_name,
                         "username": username}
        self.users: dict[int, dict] = {}
        self.blocked: set[int] = set()
        self.messages: dict[tuple[int, int], Message] = {}
        self.bot_messages: dict[int, list[Message]] = {}   # per chat, in order
        self.user_messages: dict[int, list[Message]] = {}
        self.edits: dict[int, list[Edit]] = {}
        self.chat_actions: dict[int, list[str]] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self.files: dict[str, Document] = {}
        self.updates: list[dict] = []          # pending (unconfirmed) updates, in order
        self.next_update_id = 10_001
        self.allowed_updates: list[str] = []
        self.webhook: dict[str, Any] = {"url": ""}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self._next_msg: dict[int, int] = {}
        self._seq = 0
        self.methods: dict[str, tuple[str, Callable[[dict], Any]]] = {}
        for name in ("getMe", "logOut", "close", "deleteWebhook", "setWebhook",
                     "getWebhookInfo", "sendMessage", "editMessageText", "editMessageCaption",
                     "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery",
                     "setMyCommands", "getMyCommands", "deleteMyCommands", "setMyDescription",
                     "getMyDescription", "setMyShortDescription", "getMyShortDescription",
                     "sendDocument", "sendChatAction", "getFile", "getUpdates"):
            fn = getattr(self, "m_" + name, None)
            self.methods[name.lower()] = (name, fn)  # getUpdates is served by the server

    # -- bookkeeping -------------------------------------------------------------------
    def seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_message_id(self, chat_id: int) -> int:
        self._next_msg[chat_id] = self._next_msg.get(chat_id, 0) + 1
        return self._next_msg[chat_id]

    def user_dict(self, uid: int) -> dict:
        return self.users[uid]

    def chat_dict(self, chat_id: int) -> dict:
        u = self.users[chat_id]
        return {"id": chat_id, "type": "private",
                **{k: u[k] for k in ("first_name", "last_name", "username") if k in u}}

    def push_update(self, kind: str, payload: dict) -> dict:
        upd = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(upd)
        self.on_change()
        return upd

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[dict]:
        if self.allowed_updates:
            self.updates = [u for u in self.updates
                            if any(k in self.allowed_updates for k in u if k != "update_id")]
        return self.updates[:limit]

    def store_file(self, data: bytes, filename: str | None, mime: str | None) -> Document:
        n = self.seq()
        doc = Document(f"BQACAgIAAxk{n:08d}fake", f"AgAD{n:06d}", filename, mime, data)
        self.files[doc.file_id] = doc
        return doc

    # -- validation helpers ------------------------------------------------------------
    def _chat(self, p: dict) -> int:
        chat_id = p.get("chat_id")
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int) or chat_id not in self.users:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _render(self, text: Any, p: dict, ents_key: str, limit: int, what: str):
        text = "" if text is None else str(text)
        mode = p.get("parse_mode") or None
        if mode and mode.lower() == "html":
            text, ents = parse_html(text)
        elif mode and mode.lower() not in ("markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        else:
            ents = list(p.get(ents_key) or [])
        text, ents = trim(text, ents)
        if utf16_len(text) > limit:
            raise bad_request(f"message {what}is too long")
        return text, ents

    @staticmethod
    def _markup(p: dict) -> dict | None:
        rm = p.get("reply_markup")
        if rm is None:
            return None
        if not isinstance(rm, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = rm.get("inline_keyboard")
        if rows is not None:
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request('can\'t parse inline keyboard button: Field '
                                  '"inline_keyboard" must be of type Array')
            for b in (b for r in rows for b in r):
                if not isinstance(b, dict) or not isinstance(b.get("text"), str):
                    raise bad_request("can't parse inline keyboard button: Field \"text\" "
                                      "must be of type String")
                if len(b) < 2:
                    raise bad_request("can't parse inline keyboard button: Text buttons are "
                                      "unallowed in the inline keyboard")
                data = b.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
        return rm

    def _own(self, p: dict) -> Message:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat_id = self._chat(p)
        msg = self.messages.get((chat_id, p.get("message_id")))
        if msg is None or msg.deleted:
            raise bad_request("message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        return msg

    def _send(self, chat_id: int, p: dict, **fields: Any) -> dict:
        reply_to = p.get("reply_to_message_id") or (p.get("reply_parameters") or {}).get(
            "message_id")
        if reply_to and (chat_id, reply_to) not in self.messages and not (
                p.get("allow_sending_without_reply")
                or (p.get("reply_parameters") or {}).get("allow_sending_without_reply")):
            raise bad_request("message to be replied not found")
        msg = Message(chat_id, self.new_message_id(chat_id), True, int(time.time()),
                      reply_to=reply_to, parse_mode=p.get("parse_mode"), **fields)
        self.messages[(chat_id, msg.message_id)] = msg
        self.bot_messages.setdefault(chat_id, []).append(msg)
        self.on_change()
        return msg.to_api(self)

    def _edited(self, method: str, msg: Message) -> dict:
        msg.edit_date = int(time.time())
        self.edits.setdefault(msg.chat_id, []).append(
            Edit(method, msg, msg.content, msg.reply_markup, time.monotonic()))
        self.on_change()
        return msg.to_api(self)

    @staticmethod
    def _scope_key(p: dict) -> tuple[str, str]:
        lang = p.get("language_code") or ""
        if lang and not LANG.match(lang):
            raise bad_request("invalid language code specified")
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in (
                "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
                "chat", "chat_administrators", "chat_member"):
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True), lang

    # -- methods -----------------------------------------------------------------------
    def m_getMe(self, p: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    def m_logOut(self, p: dict) -> bool:
        return True

    m_close = m_logOut

    def m_deleteWebhook(self, p: dict) -> bool:
        self.webhook = {"url": ""}
        if p.get("drop_pending_updates"):
            self.updates.clear()
        self.on_change()
        return True

    def m_setWebhook(self, p: dict) -> bool:
        url = p.get("url") or ""
        if url and not re.match(r"^https?://", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if p.get("drop_pending_updates"):
            self.updates.clear()
        if p.get("allowed_updates") is not None:
            self.allowed_updates = list(p["allowed_updates"])
        self.webhook = {"url": url, "secret_token": p.get("secret_token"),
                        "max_connections": p.get("max_connections") or 40}
        self.on_change()
        return True

    def m_getWebhookInfo(self, p: dict) -> dict:
        info = {"url": self.webhook["url"], "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}
        if self.webhook["url"]:
            info["max_connections"] = self.webhook["max_connections"]
            for k in ("last_error_date", "last_error_message"):
                if k in self.webhook:
                    info[k] = self.webhook[k]
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    def m_sendMessage(self, p: dict) -> dict:
        chat_id = self._chat(p)
        text, ents = self._render(p.get("text"), p, "entities", 4096, "")
        if not text:
            raise bad_request("message text is empty")
        return self._send(chat_id, p, text=text, raw=p.get("text"), entities=ents,
                          reply_markup=self._markup(p))

    def m_sendDocument(self, p: dict) -> dict:
        chat_id = self._chat(p)
        doc = p.get("document")
        if isinstance(doc, str) and doc.startswith("attach://"):
            doc = p.get(doc[9:])
        if isinstance(doc, UploadedFile):
            doc = self.store_file(doc.data, doc.filename, doc.content_type)
        elif isinstance(doc, str) and doc in self.files:
            doc = self.files[doc]
        elif isinstance(doc, str) and doc:
            raise bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise bad_request("there is no document in the request")
        caption, ents = self._render(p.get("caption"), p, "caption_entities", 1024, "caption ")
        return self._send(chat_id, p, document=doc, caption=caption or None,
                          raw=p.get("caption"), entities=ents, reply_markup=self._markup(p))

    def m_editMessageText(self, p: dict) -> dict:
        msg = self._own(p)
        if msg.document is not None:
            raise bad_request("there is no text in the message to edit")
        text, ents = self._render(p.get("text"), p, "entities", 4096, "")
        if not text:
            raise bad_request("message text is empty")
        markup = self._markup(p)
        if (text, ents, markup) == (msg.text, msg.entities, msg.reply_markup):
            raise bad_request(NOT_MODIFIED)
        msg.history.append((msg.text, msg.reply_markup))
        msg.text, msg.raw, msg.entities, msg.reply_markup = text, p.get("text"), ents, markup
        msg.parse_mode = p.get("parse_mode")
        return self._edited("editMessageText", msg)

    def m_editMessageCaption(self, p: dict) -> dict:
        msg = self._own(p)
        if msg.document is None:
            raise bad_request("there is no caption in the message to edit")
        caption, ents = self._render(p.get("caption"), p, "caption_entities", 1024, "caption ")
        markup = self._markup(p)
        if (caption or None, ents, markup) == (msg.caption, msg.entities, msg.reply_markup):
            raise bad_request(NOT_MODIFIED)
        msg.history.append((msg.caption, msg.reply_markup))
        msg.caption, msg.raw, msg.entities, msg.reply_markup = (caption or None,
                                                                p.get("caption"), ents, markup)
        return self._edited("editMessageCaption", msg)

    def m_editMessageReplyMarkup(self, p: dict) -> dict:
        msg = self._own(p)
        markup = self._markup(p)
        if markup == msg.reply_markup:
            raise bad_request(NOT_MODIFIED)
        msg.history.append((msg.content, msg.reply_markup))
        msg.reply_markup = markup
        return self._edited("editMessageReplyMarkup", msg)

    def m_deleteMessage(self, p: dict) -> bool:
        chat_id = self._chat(p)
        msg = self.messages.get((chat_id, p.get("message_id")))
        if msg is None or msg.deleted:
            raise bad_request("message to delete not found")
        msg.deleted = True
        if msg.from_bot:
            self.edits.setdefault(chat_id, []).append(
                Edit("deleteMessage", msg, None, None, time.monotonic()))
        self.on_change()
        return True

    def m_answerCallbackQuery(self, p: dict) -> bool:
        q = self.queries.get(str(p.get("callback_query_id") or ""))
        if q is None or q.answered:
            raise bad_request("query is too old and response timeout expired or query ID is "
                              "invalid")
        q.answered, q.answer = True, dict(p)
        self.on_change()
        return True

    def m_sendChatAction(self, p: dict) -> bool:
        chat_id = self._chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.setdefault(chat_id, []).append(p["action"])
        return True

    def m_setMyCommands(self, p: dict) -> bool:
        key, cmds = self._scope_key(p), p.get("commands") or []
        if not isinstance(cmds, list) or len(cmds) > 100:
            raise bad_request("can't parse commands JSON object")
        for c in cmds:
            if not isinstance(c, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}",
                                                           str(c.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", "")).strip()) <= 256:
                raise bad_request("command description must be non-empty"
                                  if not str(c.get("description", "")).strip()
                                  else "command description is too long")
        self.commands[key] = [{"command": c["command"], "description": c["description"]}
                              for c in cmds]
        return True

    def m_getMyCommands(self, p: dict) -> list:
        return self.commands.get(self._scope_key(p), [])

    def m_deleteMyCommands(self, p: dict) -> bool:
        self.commands.pop(self._scope_key(p), None)
        return True

    def _set_description(self, kind: str, p: dict, limit: int) -> bool:
        lang = self._scope_key({"language_code": p.get("language_code")})[1]
        text = p.get(kind) or ""
        if len(text) > limit:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")
        self.descriptions[(kind, lang)] = text
        return True

    def m_setMyDescription(self, p: dict) -> bool:
        return self._set_description("description", p, 512)

    def m_setMyShortDescription(self, p: dict) -> bool:
        return self._set_description("short_description", p, 120)

    def m_getMyDescription(self, p: dict) -> dict:
        lang = self._scope_key({"language_code": p.get("language_code")})[1]
        return {"description": self.descriptions.get(("description", lang), "")}

    def m_getMyShortDescription(self, p: dict) -> dict:
        lang = self._scope_key({"language_code": p.get("language_code")})[1]
        return {"short_description": self.descriptions.get(("short_description", lang), "")}

    def m_getFile(self, p: dict) -> dict:
        doc = self.files.get(str(p.get("file_id") or ""))
        if doc is None:
            raise bad_request("invalid file_id")
        return {"file_id": doc.file_id, "file_unique_id": doc.file_unique_id,
                "file_size": len(doc.data), "file_path": doc.file_path}
