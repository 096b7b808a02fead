"""Strict helpers that read settings from the environment: a typo fails loudly at start-up."""

import json
import os
import secrets
from pathlib import Path


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value in ("True", "true", "1"):
        return True
    if value in ("False", "false", "0"):
        return False
    raise ValueError(f"{name} must be True or False, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def envjson(name: str, default: dict) -> dict:
    """A JSON object, e.g. PROCURACY_TIME_LIMITS='{"arrest_review_free": {"days": 15}}'."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ValueError(f"{name} must be a JSON object, not {value!r}") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"{name} must be a JSON object, not {value!r}")
    return parsed


def secret_from_file(data_dir: Path, name: str) -> str:
    """A secret kept in the data folder, created on first use (never in the database)."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
