"""The web chat's routes (Starlette): the page, and one POST route per kind of form.

Every POST is a plain HTML form (CSRF token and a client message id in hidden
fields) answered with a 303 redirect to the page, or, when the page's script sent
it (``X-Requested-With: fetch``), with the page itself to swap in place.

``GET /`` shows the conversation; ``/?start=screen`` (or ``materials``, an invite
code...) is a deep link, the web's ``/start <payload>``. ``POST /say`` a typed
answer (``/back`` typed works too), ``/press`` a button (question number and
position), ``/command`` a menu command, ``/code`` shows a continue code,
``/resume`` takes one typed on another device.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from dialogs.types import Command, Text, pressed
from locales import translator

from bot.web.channel import WebChannel
from bot.web.guard import MAX_BODY, BodyLimit, Contained, SecurityHeaders, csrf_ok, language_hint, same_origin
from bot.web.page import menu_items, render_page, render_refusal
from bot.web.store import WebSession, show_code

COOKIE = "sid"
COOKIE_AGE = 180 * 24 * 3600
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # as Telegram allows for /start
CID = re.compile(r"^[0-9a-f]{16,64}$")
COMMANDS = {"back", "why", "idk", "change", "help", "restart", "screen", "materials", "cancel"}
LANGS = {"zh", "en"}
STATIC = Path(__file__).parent / "static"


MEDIA = {".pdf": "application/pdf", ".json": "application/json", ".txt": "text/plain; charset=utf-8",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _ascii_name(name: str) -> str:
    """A plain-ASCII stand-in for old browsers (the real name goes in filename*)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "document"


def _small_number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def build_app(channel: WebChannel) -> ASGIApp:
    """The ASGI app over an opened :class:`WebChannel`."""
    store, chat = channel.store, channel.chat

    async def session_of(request: Request) -> tuple[WebSession, str | None]:
        s = await store.session(request.cookies.get(COOKIE))
        if s is not None:
            return s, None
        sid, s = await store.new_session()
        return s, sid

    def with_cookie(response: Response, sid: str | None) -> Response:
        if sid:
            response.set_cookie(COOKIE, sid, max_age=COOKIE_AGE, path="/", httponly=True, samesite="lax",
                                secure=channel.settings.web_secure_cookies)
        return response

    async def page(s: WebSession, status: int = 200) -> HTMLResponse:
        lang = await chat.language(s.person)
        html = render_page(lang=lang, chat=await store.chat(s.person), csrf=s.csrf,
                           notice=channel.notices.pop(s.sid_hash, None))
        return HTMLResponse(html, status_code=status)

    async def show(request: Request) -> Response:
        s, sid = await session_of(request)
        hint = language_hint(request.headers.get("accept-language"))
        start = request.query_params.get("start")
        if start is not None and START_PAYLOAD.match(start):
            await chat.step(s.person, Command("start", start), hint=hint)
            return with_cookie(RedirectResponse("/", 303), sid)
        if not (await store.chat(s.person)).history:  # a first visit: the greeting (or where they were)
            await chat.step(s.person, Command("start"), hint=hint)
        return with_cookie(await page(s), sid)

    def posted(action):
        async def endpoint(request: Request) -> Response:
            s = await store.session(request.cookies.get(COOKIE))
            form = await request.form(max_files=0, max_fields=16, max_part_size=MAX_BODY)
            if (s is None or not same_origin(request.headers, request.headers.get("host"))
                    or not csrf_ok(form.get("csrf"), s.csrf) or not CID.match(form.get("cid") or "")):
                lang = await chat.language(s.person) if s else channel.settings.default_locale
                return HTMLResponse(render_refusal(lang, 403), status_code=403)
            status = 200
            if not channel.steps.allow(s.sid_hash):
                channel.notices[s.sid_hash] = translator(await chat.language(s.person))("web.slow_down")
                status = 429
            else:
                hint, before = language_hint(request.headers.get("accept-language")), s.person
                notice = await action(s, form, hint)
                if notice:
                    channel.notices[s.sid_hash] = notice
                s = await store.session(request.cookies.get(COOKIE)) or s  # a new person after /forget
                if s.person != before and not (await store.chat(s.person)).history:
                    await chat.step(s.person, Command("start"), hint=hint)  # greeted, as on a first visit
            if request.headers.get("x-requested-with") == "fetch":
                return await page(s, status)
            return RedirectResponse("/", 303)
        return endpoint

    async def say(s: WebSession, form: FormData, hint: str | None) -> str | None:
        text = str(form.get("text") or "").strip()
        if not text:
            return None
        if len(text) > channel.limits.max_text:
            return translator(await chat.language(s.person))("web.too_long")
        inp = Command(*text[1:].partition(" ")[::2]) if text.startswith("/") and len(text) > 1 else Text(text)
        return await chat.step(s.person, inp, said=text, cid=form["cid"], hint=hint)

    async def press(s: WebSession, form: FormData, hint: str | None) -> str | None:
        seq, pos = _small_number(form.get("seq")), _small_number(form.get("pos"))
        if pos is None:
            return None
        return await chat.step(s.person, pressed(seq, pos), press=(seq, pos), cid=form["cid"], hint=hint)

    async def command(s: WebSession, form: FormData, hint: str | None) -> str | None:
        name, arg = str(form.get("name") or ""), str(form.get("arg") or "")
        if name == "lang" and arg in LANGS:
            return await chat.step(s.person, Command("lang", arg), cid=form["cid"], hint=hint)
        if name not in COMMANDS:
            return None
        said = dict(menu_items(await chat.language(s.person))).get(name, "/" + name)
        return await chat.step(s.person, Command(name), said=said, cid=form["cid"], hint=hint)

    async def code(s: WebSession, form: FormData, hint: str | None) -> str | None:
        issued = await store.issue_code(s.person)
        return translator(await chat.language(s.person))("web.code.shown", code=show_code(issued))

    async def resume(s: WebSession, form: FormData, hint: str | None) -> str | None:
        t = translator(await chat.language(s.person))
        if not channel.code_tries.allow(s.sid_hash) or not channel.code_tries_all.allow(""):
            return t("web.slow_down")
        person = await store.person_of_code(str(form.get("code") or "")[:20])
        if person is None:
            return t("web.code.unknown")
        await store.attach(s, person)
        if not (await store.chat(person)).history:
            await chat.step(person, Command("start"), hint=hint)
        return translator(await chat.language(person))("web.code.resumed")

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)

    async def download(request: Request) -> Response:
        """A document of the person's own conversation (nobody else's: 404)."""
        s = await store.session(request.cookies.get(COOKIE))
        file_id = _small_number(request.path_params.get("file_id"))
        found = await store.file(s.person, file_id) if s and file_id is not None else None
        if found is None:
            return Response(status_code=404)
        name, data = found
        media = MEDIA.get(Path(name).suffix.lower(), "application/octet-stream")
        disposition = f"attachment; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{quote(name)}"
        return Response(data, media_type=media, headers={"Content-Disposition": disposition})  # no-store: guard

    routes = [
        Route("/", show, methods=["GET"]),
        Route("/say", posted(say), methods=["POST"]),
        Route("/press", posted(press), methods=["POST"]),
        Route("/command", posted(command), methods=["POST"]),
        Route("/code", posted(code), methods=["POST"]),
        Route("/resume", posted(resume), methods=["POST"]),
        Route("/favicon.ico", no_icon, methods=["GET"]),
        Route("/file/{file_id}", download, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    return Contained(SecurityHeaders(BodyLimit(app)))
