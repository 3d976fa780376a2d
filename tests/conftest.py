"""Suite-wide setup: opt in to python-telegram-bot's timedelta ``retry_after`` (as
``python -m bot`` does), so its deprecation warning does not drown real ones."""
import os

os.environ.setdefault("PTB_TIMEDELTA", "1")
