"""With DEBUG off, Django's deployment checklist (`manage.py check --deploy`) finds nothing to
warn about: HTTPS only (redirect, secure cookies, HSTS), and a strong SECRET_KEY — a weak or
placeholder key stops the process at start. The demo (plain HTTP on 127.0.0.1) turns HTTPS
off explicitly."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "HTTPS_ONLY", "SECRET_KEY", "DEBUG"}
    }
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "poscare.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "ALLOWED_HOSTS": "poscare.example.cn",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_has_no_warnings_with_debug_off(tmp_path):
    result = manage(tmp_path, "check", "--deploy", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    issues = re.findall(r"\((\w+)\.([A-Z]\d{3})\)", output)
    # The API schema's own warnings (drf_spectacular.*) are the schema's business, not the
    # deployment's; every security and deployment check must pass.
    assert [f"{app}.{code}" for app, code in issues if app != "drf_spectacular"] == []


@pytest.mark.parametrize(
    "key",
    [
        "change-me",
        "dev-only-insecure-key-change-me-in-production-0123456789",
        "django-insecure-" + "x" * 50,
        "short-but-not-a-placeholder",
        "ab" * 40,
    ],
)
def test_a_weak_secret_key_stops_the_process_with_debug_off(tmp_path, key):
    result = manage(tmp_path, "check", DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is weak" in result.stderr


def test_no_secret_key_at_all_stops_the_process_with_debug_off(tmp_path):
    result = manage(tmp_path, "check", DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY is weak" in result.stderr


def test_https_only_settings_follow_debug(tmp_path):
    show = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"  # noqa: E501
    key = secrets.token_urlsafe(50)
    production = manage(tmp_path, "shell", "-v", "0", "-c", show, DEBUG="0", SECRET_KEY=key)
    assert production.stdout.split() == ["True", "True", "True", "31536000"], production.stderr
    demo = manage(
        tmp_path, "shell", "-v", "0", "-c", show, DEBUG="0", SECRET_KEY=key, HTTPS_ONLY="0"
    )
    assert demo.stdout.split() == ["False", "False", "False", "0"], demo.stderr


def test_the_demo_runs_plain_http(tmp_path):
    from core.management.commands.run_demo import demo_environment

    env = demo_environment({}, tmp_path)
    assert env["DEBUG"] == "0" and env["HTTPS_ONLY"] == "0"
    assert len(env["SECRET_KEY"]) >= 50
