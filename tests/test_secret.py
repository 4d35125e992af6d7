"""Without a configured secret, every app process shares one generated key."""

from __future__ import annotations

import stat

from locator.app import _instance_secret


def test_the_generated_secret_is_made_once_private_and_reused(tmp_path):
    first = _instance_secret(tmp_path / "instance")
    again = _instance_secret(tmp_path / "instance")
    path = tmp_path / "instance" / "secret_key"
    assert first == again and len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
