"""The web chat in a real headless browser (Debian's chromium driven by Playwright),
against the real app served by uvicorn on a loopback port.

Screenshots are kept under the session's temporary folder (``web-screens/``; the
path is printed), to look at the page as a person sees it.
"""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import uvicorn

from bot.web.app import build_app
from bot.web.channel import WebChannel
from bot.web.main import bind
from e2e.profiles import WORKER

from .conftest import RELAXED, TODAY
from .webuser import expected_questions, fact_asked, next_answer, since_last_said, t

CHROMIUM = shutil.which("chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                 "(apt-get install chromium fonts-noto-cjk; .ci/run does it)")]
MESSAGES = """els => els.map(e => [e.classList.contains('me') ? 'me' : 'bot',
  Array.from(e.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('')])"""


@pytest.fixture
async def server(settings):
    """The app on a free loopback port; yields its address."""
    channel = await WebChannel.open(settings, today=lambda: TODAY, limits=RELAXED)
    sock = bind("127.0.0.1", 0)
    srv = uvicorn.Server(uvicorn.Config(build_app(channel), lifespan="off", log_level="warning", access_log=False))
    task = asyncio.create_task(srv.serve(sockets=[sock]))
    while not srv.started:
        assert not task.done(), task.result()
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv.should_exit = True
    await asyncio.wait_for(task, 10)
    sock.close()
    await channel.close()


@pytest.fixture
async def browser():
    playwright = pytest.importorskip("playwright.async_api")
    async with playwright.async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        await b.close()


@pytest.fixture(scope="session")
def screens(tmp_path_factory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "web-screens"
    folder.mkdir(exist_ok=True)
    print(f"\nweb chat screenshots: {folder}")
    return folder


async def messages(page) -> list[tuple[str, str]]:
    return [tuple(m) for m in await page.eval_on_selector_all("li.msg", MESSAGES)]


async def act(page, action: str, what: str, *, js: bool) -> None:
    """Presses an answer button or types and sends; waits for the new page state."""
    count = await page.locator("li.msg").count()
    if action == "press":
        target = page.locator(".answers").get_by_role("button", name=what, exact=True)
    else:
        await page.fill("#answer", what)
        target = page.locator(".typebox button")
    if js:
        await target.click()
        await page.wait_for_function("n => document.querySelectorAll('li.msg').length > n", arg=count)
    else:
        async with page.expect_navigation():
            await target.click()


async def play_screening(page, lang: str, *, js: bool) -> list[str]:
    asked = []
    for _ in range(60):
        step = next_answer(await messages(page), WORKER, lang)
        if step is None:
            return asked
        fact, action, what = step
        asked.append(fact)
        await act(page, action, what, js=js)
    raise AssertionError("the screening did not end")


async def test_zh_screening_by_buttons_with_javascript(server, browser, screens):
    context = await browser.new_context(locale="zh-CN", viewport={"width": 412, "height": 860})
    page = await context.new_page()
    page.set_default_timeout(20_000)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    await page.goto(server + "/?start=screen")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    await page.evaluate("window.__stayed = true")  # gone if the page reloaded instead of updating in place
    asked = await play_screening(page, "zh_CN", js=True)
    assert asked == expected_questions(WORKER, TODAY)
    assert await page.evaluate("window.__stayed === true")
    recent = since_last_said(await messages(page))
    assert recent[0].startswith(t("zh_CN", "result.eligible"))
    assert await page.evaluate("document.activeElement && document.activeElement.id") == "answer"
    in_view = await page.evaluate("""() => { const m = document.querySelectorAll('li.msg');
        const r = m[m.length - 1].getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }""")
    assert in_view, "the newest message is scrolled out of view"
    assert all(u.startswith(server) for u in requests), "a third-party resource was loaded"
    await page.screenshot(path=str(screens / "zh-screening-js.png"), full_page=False)
    await context.close()


async def test_en_screening_without_javascript(server, browser, screens):
    context = await browser.new_context(locale="en-US", java_script_enabled=False)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    await page.goto(server + "/")
    assert await page.get_attribute("html", "lang") == "en"
    async with page.expect_navigation():
        await page.locator(".answers button", has_text=t("en", "btn.screen")).click()
    asked = await play_screening(page, "en", js=False)
    assert asked == expected_questions(WORKER, TODAY)
    assert since_last_said(await messages(page))[0].startswith(t("en", "result.eligible"))
    await page.screenshot(path=str(screens / "en-result-no-js.png"), full_page=True)
    await context.close()


async def test_back_from_the_menu_and_resume_after_reopening(server, browser):
    context = await browser.new_context(locale="zh-CN")
    page = await context.new_page()
    page.set_default_timeout(20_000)
    await page.goto(server + "/?start=screen")
    first = fact_asked(since_last_said(await messages(page))[-1], "zh_CN")
    await act(page, "press", t("zh_CN", "group.scope.all"), js=True)        # the scope group
    await act(page, "press", t("zh_CN", "group.exclusions.none"), js=True)  # the exclusions group
    third = fact_asked(since_last_said(await messages(page))[-1], "zh_CN")
    await page.locator("nav.menu summary").click()
    count = await page.locator("li.msg").count()
    await page.locator("nav.menu button", has_text=t("zh_CN", "cmd.back")).click()
    await page.wait_for_function("n => document.querySelectorAll('li.msg').length > n", arg=count)
    second = fact_asked(since_last_said(await messages(page))[-1], "zh_CN")
    assert second not in (first, third)
    shown = await messages(page)
    await page.close()  # the person closes the page...
    page = await context.new_page()  # ...and comes back later (same cookie)
    await page.goto(server + "/")
    assert await messages(page) == shown
    await act(page, "press", t("zh_CN", "group.exclusions.none"), js=True)
    assert fact_asked(since_last_said(await messages(page))[-1], "zh_CN") == third
    await context.close()


async def test_readable_at_320_px(server, browser, screens):
    context = await browser.new_context(locale="zh-CN", viewport={"width": 320, "height": 640},
                                        device_scale_factor=2)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    await page.goto(server + "/?start=screen")
    await act(page, "type", "<b>不是HTML</b> " + "很长的一段话" * 20, js=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320, "the page scrolls sideways"
    heights = await page.eval_on_selector_all(".answers button", "bs => bs.map(b => b.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, "answer buttons are too small to tap"
    widths = await page.eval_on_selector_all(".answers button", "bs => bs.map(b => b.getBoundingClientRect().right)")
    assert max(widths) <= 320
    assert await page.locator("label[for=answer]").is_visible()
    assert await page.locator("li.msg.me b").count() == 0  # typed markup is text, not markup
    await page.screenshot(path=str(screens / "zh-320px.png"), full_page=True)
    await context.close()
