"""Settings from the environment (issue 2, point 2): bad values stop start-up with a clear
Chinese message; production settings pass `manage.py check --deploy`.

Most cases execute settings.py afresh in this process with a patched environment (fast); a few
start a real interpreter to prove the message reaches the operator at start-up."""

from __future__ import annotations

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "src" / "yangguang" / "config" / "settings.py"
GOOD_KEY = secrets.token_urlsafe(60)

ENV_NAMES = [
    "YANGGUANG_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "TIME_ZONE",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCKOUT_MINUTES",
    "SESSION_IDLE_MINUTES",
    "DEBUG",
    "PASSWORD_MIN_LENGTH",
    "YG_TEST_DB_SUFFIX",
    "CACHE_URL",
    "CSRF_TRUSTED_ORIGINS",
]


def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> ModuleType:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("YANGGUANG_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("yg_settings_under_test", SETTINGS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRODUCTION = {
    "YANGGUANG_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "gov.example.cn",
}

BAD = [
    ({"YANGGUANG_ENV": "foo"}, "YANGGUANG_ENV 的值“foo”无效"),
    ({"DATABASE_URL": "foo://x/y"}, "DATABASE_URL 无效"),
    ({"DATABASE_URL": "mysql://u@h/db"}, "只支持 PostgreSQL"),
    ({"DATABASE_URL": "postgres://u@h:port/db"}, "DATABASE_URL 无效"),
    ({"DATABASE_URL": "postgres://u@h:5432"}, "缺少数据库名"),
    (
        {"YANGGUANG_ENV": "production", "ALLOWED_HOSTS": "gov.example.cn"},
        "必须设置环境变量 SECRET_KEY",
    ),
    ({**PRODUCTION, "SECRET_KEY": "short"}, "SECRET_KEY 太短"),
    ({"YANGGUANG_ENV": "production", "SECRET_KEY": GOOD_KEY}, "必须设置 ALLOWED_HOSTS"),
    ({**PRODUCTION, "DEBUG": "true"}, "生产环境不能打开 DEBUG"),
    ({"DEBUG": "maybe"}, "DEBUG 的值“maybe”无效"),
    ({"TIME_ZONE": "Mars/Olympus"}, "不是有效的时区"),
    ({"LOGIN_MAX_FAILURES": "five"}, "LOGIN_MAX_FAILURES 的值“five”无效：应为整数"),
    ({"LOGIN_MAX_FAILURES": "0"}, "不能小于 1"),
    ({"LOGIN_LOCKOUT_MINUTES": "1.5"}, "应为整数"),
    ({"SESSION_IDLE_MINUTES": "-3"}, "不能小于 1"),
    ({"PASSWORD_MIN_LENGTH": "4"}, "不能小于 8"),
    ({"ALLOWED_HOSTS": "https://gov.example.cn"}, "不要带 https://"),
    ({"CSRF_TRUSTED_ORIGINS": "gov.example.cn"}, "应以 https:// 开头"),
]


@pytest.mark.parametrize(("env", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_values_stop_start_up(monkeypatch, tmp_path, env, message) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, tmp_path, **env)


def test_local_defaults(monkeypatch, tmp_path) -> None:
    s = load_settings(monkeypatch, tmp_path)
    assert s.TIME_ZONE == "Asia/Shanghai"
    assert s.LANGUAGE_CODE == "zh-hans"
    assert s.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert str(s.DATABASES["default"]["NAME"]).startswith(str(tmp_path))
    assert "journal_mode=WAL" in s.DATABASES["default"]["OPTIONS"]["init_command"]
    assert s.LOGIN_MAX_FAILURES == 5 and s.LOGIN_LOCKOUT_MINUTES == 15
    assert s.SESSION_COOKIE_AGE == 30 * 60 and s.SESSION_SAVE_EVERY_REQUEST
    assert s.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    # The local secret key is generated once under ./var/ and reused.
    key = (tmp_path / "secret_key").read_text().strip()
    assert key == s.SECRET_KEY and len(key) >= 50
    assert key == load_settings(monkeypatch, tmp_path).SECRET_KEY


def test_configurable_values(monkeypatch, tmp_path) -> None:
    s = load_settings(
        monkeypatch,
        tmp_path,
        LOGIN_MAX_FAILURES="3",
        LOGIN_LOCKOUT_MINUTES="60",
        SESSION_IDLE_MINUTES="10",
        TIME_ZONE="Asia/Urumqi",
        DATABASE_URL="postgres://yg:pw@db.internal:5432/yangguang",
        YG_TEST_DB_SUFFIX="h3",
    )
    assert (s.LOGIN_MAX_FAILURES, s.LOGIN_LOCKOUT_MINUTES, s.SESSION_COOKIE_AGE) == (3, 60, 600)
    assert s.TIME_ZONE == "Asia/Urumqi"
    db = s.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["TEST"]["NAME"]) == (
        "db.internal",
        "yangguang",
        "test_yangguang_h3",
    )


def test_sqlite_url_keeps_wal_options(monkeypatch, tmp_path) -> None:
    s = load_settings(monkeypatch, tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")
    assert "journal_mode=WAL" in s.DATABASES["default"]["OPTIONS"]["init_command"]


def test_production_settings_are_strict(monkeypatch, tmp_path) -> None:
    s = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    assert s.DEBUG is False
    assert s.ALLOWED_HOSTS == ["gov.example.cn"]
    assert s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE and s.SECURE_SSL_REDIRECT
    assert s.SECURE_HSTS_SECONDS >= 31536000
    assert s.YANGGUANG["ALLOW_DEMO"] is False


def _run(
    code_or_args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    full_env.update(
        {"YANGGUANG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "yangguang.config.settings"}
    )
    full_env.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"YANGGUANG_ENV": "foo"}, "YANGGUANG_ENV"),
        ({"YANGGUANG_ENV": "production", "ALLOWED_HOSTS": "x.cn"}, "必须设置环境变量 SECRET_KEY"),
        ({"LOGIN_MAX_FAILURES": "abc"}, "应为整数"),
    ],
)
def test_start_up_fails_with_chinese_message(tmp_path, env, message) -> None:
    result = _run(["-c", "import django; django.setup()"], env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path) -> None:
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3"}
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
