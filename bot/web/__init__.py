"""The mobile web chat: the same dialogs in a browser, for workers who cannot reach
Telegram (``python -m bot web``). Plain HTML forms that work without JavaScript,
a small script that updates the page in place, no third-party resources."""
