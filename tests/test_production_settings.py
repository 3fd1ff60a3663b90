"""Production settings (DEBUG=false) refuse to start without each secret, and pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from saasync.settings import REQUIRED_IN_PRODUCTION

ROOT = Path(__file__).resolve().parents[1]


def production_env(**overrides: str) -> dict[str, str]:
    # A clean production environment: none of the test run's own switches (e.g. the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE) may leak into it.
    inherited = ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in inherited}
    env.update(
        DEBUG="false",
        SECRET_KEY="prod-" + Fernet.generate_key().decode() + Fernet.generate_key().decode(),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/saasync",
        REDIS_URL="redis://127.0.0.1:6379/15",
        ALLOWED_HOSTS="app.saasync.example",
        SAASYNC_PUBLIC_URL="https://app.saasync.example",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without(missing: str) -> None:
    env = production_env()
    del env[missing]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"missing: {missing}" in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text("file-" + Fernet.generate_key().decode() + Fernet.generate_key().decode() + "\n")
    env = production_env()
    del env["SECRET_KEY"]
    env["SECRET_KEY_FILE"] = str(secret_file)

    assert manage("check", env=env).returncode == 0


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
