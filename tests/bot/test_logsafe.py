"""An error logged by the bot names its type and place, never its message."""
from bot.logsafe import safe_trace


def failing_step(id_number: str) -> None:
    raise ValueError(f"cannot read {id_number} (恶性肿瘤)")


def test_the_trace_keeps_type_and_place_but_not_the_personal_message():
    try:
        failing_step("360102197506010014")
    except ValueError as exc:
        trace = safe_trace(exc)
    assert "builtins.ValueError" in trace
    assert "failing_step" in trace
    assert "360102197506010014" not in trace and "恶性肿瘤" not in trace
