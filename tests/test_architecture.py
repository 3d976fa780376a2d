"""The layers of architecture.md: dependencies point one way (bot -> dialogs -> rules,
dialogs/bot -> storage), so rules is importable and testable alone and the dialogs
know nothing of Telegram."""
import subprocess
import sys

import pytest

FORBIDDEN = {
    "rules": {"telegram", "storage", "locales", "dialogs", "bot", "aiosqlite"},
    "storage": {"telegram", "dialogs", "bot", "locales"},
    "dialogs": {"telegram", "bot"},
    "locales": {"telegram", "storage", "dialogs", "bot", "rules"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package):
    code = (f"import sys, pkgutil, importlib, {package}\n"
            f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
            f"    m.name.endswith('__main__') or importlib.import_module(m.name)\n"
            f"print(' '.join(sorted({{n.split('.')[0] for n in sys.modules}})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert not loaded & FORBIDDEN[package], f"{package} pulls in {sorted(loaded & FORBIDDEN[package])}"
