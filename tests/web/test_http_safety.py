"""The web chat's protections over HTTP: cookie flags, CSRF, exactly-once forms,
size and rate limits, security headers, escaping, static files."""
from __future__ import annotations

import httpx

from bot.settings import load_settings
from bot.web.app import build_app
from bot.web.channel import WebChannel
from bot.web.guard import CSP, Limits, language_hint

from .conftest import TODAY, client_of, web_env
from .webuser import WebUser, read_page, t


async def test_session_cookie_is_httponly_lax_and_random(client, app):
    r = await client.get("/")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    async with client_of(app) as other:
        await other.get("/")
        assert other.cookies["sid"] != client.cookies["sid"] and len(client.cookies["sid"]) >= 40
    r = await client.get("/")
    assert "set-cookie" not in r.headers  # the same session goes on


async def test_secure_cookies_setting(tmp_path):
    settings = load_settings(web_env(tmp_path, BOT_WEB_SECURE_COOKIES="true"), need_token=False)
    ch = await WebChannel.open(settings, today=lambda: TODAY)
    try:
        async with client_of(build_app(ch)) as c:
            assert "Secure" in (await c.get("/")).headers["set-cookie"]
    finally:
        await ch.close()


async def test_post_without_csrf_token_or_session_is_refused(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    before = user.page.messages
    form = user.page.button(t("zh_CN", "group.scope.all"))
    for fields in ({k: v for k, v in form.fields.items() if k != "csrf"}, form.fields | {"csrf": "forged"},
                   {k: v for k, v in form.fields.items() if k != "cid"}):
        r = await client.post("/press", data=fields)
        assert r.status_code == 403 and t("zh_CN", "web.refused") in r.text
    r = await client.post("/press", data=form.fields, headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as stranger:
        assert (await stranger.post("/press", data=form.fields)).status_code == 403  # no cookie
    assert (await user.open()).messages == before


async def test_double_submitted_answer_is_applied_once(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    form = user.page.button(t("zh_CN", "group.scope.all"))
    first = await client.post("/press", data=form.fields)
    second = await client.post("/press", data=form.fields)  # a double tap, or the form sent again
    assert first.status_code == second.status_code == 303
    page = await user.open()
    assert [m for m in page.messages if m[0] == "me"] == [("me", t("zh_CN", "group.scope.all"))]
    say = page.form("/say")
    for _ in range(3):
        await client.post("/say", data=say.fields | {"text": "是"})
    page = await user.open()
    assert [m for m in page.messages if m[0] == "me"] == [("me", t("zh_CN", "group.scope.all")), ("me", "是")]


async def test_fetch_gets_the_page_in_place(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    form = user.page.button(t("zh_CN", "group.scope.all"))
    r = await client.post("/press", data=form.fields, headers={"x-requested-with": "fetch"})
    assert r.status_code == 200 and 'id="app"' in r.text
    assert read_page(r.text).messages[-2:][0] == ("me", t("zh_CN", "group.scope.all")) or \
        ("me", t("zh_CN", "group.scope.all")) in read_page(r.text).messages


async def test_hostile_input_is_shown_escaped(client):
    user = WebUser(client)
    await user.open("/?start=screen")
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\''
    await user.say(hostile)
    assert ("me", hostile) in user.page.messages  # shown as typed...
    html = user.page.html
    assert "<script>alert" not in html and "<img src=x" not in html  # ...never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_request_size_limit(client):
    user = WebUser(client)
    await user.open()
    form = user.page.form("/say")
    r = await client.post("/say", data=form.fields | {"text": "x" * 20_000})
    assert r.status_code == 413

    async def stream():
        for _ in range(40):
            yield b"a" * 1024
    r = await client.post("/say", content=stream(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    r = await client.post("/say", data=form.fields | {"text": "是" * 600})  # under the byte limit, over the length
    page = await user.open()
    assert page.notice == t("zh_CN", "web.too_long")
    assert all(who == "bot" for who, _ in page.messages)


async def test_rate_limit_answers_slow_down(settings):
    ch = await WebChannel.open(settings, today=lambda: TODAY, limits=Limits(step_rate=0.01, step_burst=3))
    try:
        async with client_of(build_app(ch)) as c:
            user = WebUser(c)
            await user.open()
            statuses = []
            for n in range(5):  # five taps of the menu's help, each its own form
                r = await c.post("/command", data=user.page.form("/command", name="help").fields | {"cid": f"{n:024x}"})
                statuses.append(r.status_code)
            assert statuses == [303] * 5  # no error page: the redirect shows the notice
            page = await user.open()
            assert page.notice == t("zh_CN", "web.slow_down")
            helps = [m for m in page.messages if m == ("me", t("zh_CN", "cmd.help"))]
            assert len(helps) == 3
            r = await c.post("/command", data=page.form("/command", name="help").fields,
                             headers={"x-requested-with": "fetch"})
            assert r.status_code == 429 and t("zh_CN", "web.slow_down") in r.text
    finally:
        await ch.close()


async def test_security_headers_everywhere(client):
    for path in ("/", "/static/chat.js", "/static/chat.css", "/favicon.ico", "/nowhere"):
        r = await client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    assert (await client.get("/")).headers["cache-control"] == "no-store"


async def test_page_has_no_inline_script_nor_third_party_resource_and_is_small(client):
    r = await client.get("/?start=screen", follow_redirects=True)
    html = r.text
    assert "<script>" not in html and "onclick" not in html and "style=" not in html
    assert "http://" not in html and "https://" not in html and "//" not in html.replace("</", "")
    js = (await client.get("/static/chat.js")).content
    css = (await client.get("/static/chat.css")).content
    assert len(r.content) + len(js) + len(css) < 50_000
    assert "fetch(" in js.decode() and "http" not in js.decode()


async def test_methods_and_unknown_routes(client):
    assert (await client.get("/say")).status_code == 405
    assert (await client.get("/nowhere")).status_code == 404
    assert (await client.get("/static/../app.py")).status_code == 404


def test_accept_language_hint():
    assert language_hint("en-GB,en;q=0.9,zh-CN;q=0.8") == "en-US"
    assert language_hint("fr,zh-TW;q=0.5,en;q=0.4") == "zh-CN"
    assert language_hint("en;q=0.2, zh;q=0.9") == "zh-CN"
    assert language_hint("fr") is None and language_hint(None) is None and language_hint("en;q=x") == "en-US"


def test_web_settings(tmp_path):
    import pytest

    from bot.settings import SettingsError
    s = load_settings(web_env(tmp_path), need_token=False)
    assert (s.web_listen, s.web_port, s.web_secure_cookies) == ("127.0.0.1", 8080, False)
    s = load_settings(web_env(tmp_path, BOT_WEB_LISTEN="0.0.0.0", BOT_WEB_PORT="9000", BOT_WEB_SECURE_COOKIES="yes"),
                      need_token=False)
    assert (s.web_listen, s.web_port, s.web_secure_cookies) == ("0.0.0.0", 9000, True)
    for bad in ({"BOT_WEB_PORT": "80a"}, {"BOT_WEB_PORT": "70000"}, {"BOT_WEB_SECURE_COOKIES": "maybe"},
                {"BOT_WEB_LISTEN": "local host;rm"}):
        with pytest.raises(SettingsError) as err:
            load_settings(web_env(tmp_path, **bad), need_token=False)
        assert list(bad)[0] in str(err.value) and "\n" not in str(err.value)
