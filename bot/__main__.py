"""`python -m bot` runs the Telegram bot; `python -m bot console` the terminal
assistant; `python -m bot web` the mobile web chat; `python -m bot retention` one
retention run and exits (the bot and the web chat run it daily themselves; a
deployment with the terminal only runs this from cron)."""
from __future__ import annotations

import asyncio
import logging
import os
import sys

os.environ.setdefault("PTB_TIMEDELTA", "1")  # retry_after as a timedelta (PTB 22's future default)

from bot.settings import SettingsError, environment, load_settings  # noqa: E402
from storage import StorageError  # noqa: E402


async def _console() -> int:
    from bot.console import run_console
    from bot.wiring import open_assistant

    settings = load_settings(environment(os.environ), need_token=False)
    assistant = await open_assistant(settings)
    try:
        return await run_console(assistant)
    finally:
        await assistant.db.close()


async def _retention() -> int:
    from bot.retention import retention_once

    return await retention_once(load_settings(environment(os.environ), need_token=False))


def main(argv: list[str]) -> int:
    """Starts the chosen channel; a bad setting is one line on stderr and exit 2."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    try:
        if argv[:1] == ["console"]:
            return asyncio.run(_console())
        if argv[:1] == ["retention"]:
            return asyncio.run(_retention())
        if argv[:1] == ["web"]:
            from bot.web.main import run_web

            return run_web(environment(os.environ))
        from bot.telegram_main import run_telegram

        return run_telegram(environment(os.environ))
    except (SettingsError, StorageError) as exc:
        print(f"bot: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of the output left (`... | head`): what was answered is kept
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's flush then writes nowhere
        return 1
    except KeyboardInterrupt:
        if argv[:1] == ["console"]:
            # Ctrl-C at the terminal: every answer is committed and the database closed; the
            # thread still blocked reading the terminal must not hold up (or deadlock) the exit
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130


sys.exit(main(sys.argv[1:]))
