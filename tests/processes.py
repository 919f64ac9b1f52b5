"""Running Minato as a user would, in a child process with only the environment a test gives it."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import NETGUARD, ROOT


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A minimal environment: no inherited keys or tokens, the offline guard loaded, a private database."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {
        **keep,
        "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}",
        "DATABASE_URL": f"sqlite:///{tmp_path}/m.db",
        **extra,
    }
