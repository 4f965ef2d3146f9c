"""The documented deployment (DOUDI_HTTPS=1) passes ``doudi check --deploy`` without a warning."""

from __future__ import annotations

import os
import subprocess
import sys


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DOUDI_")}
    environ |= {"DJANGO_SETTINGS_MODULE": "doudi.settings", "DOUDI_DATA_DIR": str(tmp_path),
                "DOUDI_ALLOWED_HOSTS": "doudi.example.gov.cn", **env}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_https_deployment_has_no_deploy_warnings(tmp_path):
    result = _check(tmp_path, DOUDI_HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_https_the_check_warns(tmp_path):
    result = _check(tmp_path)
    assert result.returncode != 0 and "SECURE_HSTS_SECONDS" in result.stdout + result.stderr
