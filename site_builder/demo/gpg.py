"""OpenPGP signatures for the demo, reproducible: gpg with the commit's time as its clock.

An OpenPGP signature records when it was made; ``gpg --faked-system-time`` sets that to
the commit's own time, and Ed25519 signing is deterministic, so the demo's commit ids
stay the same on every run. The key lives in a temporary GnuPG home made for the
demo and removed (with its agent) afterwards. Without gpg on the machine, the demo
signs those commits with the reviewer's SSH key instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SECRET_KEY = "qianjin.gpg-secret.asc"  # the demo's OpenPGP key of 钱进, in demo/keys/
PLATFORM_KEY = "platform-gitea"  # the demo Gitea instance's SSH signing key
NOT_REVIEWER_KEYS = (SECRET_KEY, PLATFORM_KEY)

Signer = Callable[[bytes, datetime], str]


@contextmanager
def gpg_signer(secret: Path | None) -> Iterator[Signer | None]:
    """A function signing a payload as of a time with the demo key; None without gpg."""
    if secret is None or shutil.which("gpg") is None:
        yield None
        return
    home = Path(tempfile.mkdtemp(prefix="rd-"))  # short: gpg-agent's socket path is limited
    env = {**os.environ, "GNUPGHOME": str(home)}
    try:
        home.chmod(0o700)
        subprocess.run(["gpg", "--batch", "--quiet", "--import", str(secret)], env=env,
                       capture_output=True, check=True)  # fmt: skip

        def sign(payload: bytes, when: datetime) -> str:
            clock = when.astimezone(UTC).strftime("%Y%m%dT%H%M%S!")
            return subprocess.run(
                ["gpg", "--batch", "--quiet", "--faked-system-time", clock, "--armor",
                 "--detach-sign"],
                input=payload, env=env, capture_output=True, check=True,
            ).stdout.decode().strip()  # fmt: skip

        yield sign
    finally:
        with contextlib.suppress(OSError):
            subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
