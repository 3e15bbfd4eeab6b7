"""The demo's development `.env`: written once into the project folder by `kampung demo`
(and so `make demo`), so every later `kampung` command there (`token create`, `shell`,
`migrate`) runs with the same development settings and database. An existing `.env` is
never touched. Plain Python: it runs before Django's settings are read."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

HEADER = """\
# Written by `kampung demo` for development on this computer (never for production:
# see .env.example). Kampung reads it from this folder; real environment variables win.
"""


def write_dev_env(folder: Path) -> Path | None:
    """Write `folder/.env` for development if there is none; return its path, or None if
    one was already there (then it is left exactly as it was)."""
    path = folder / ".env"
    if path.exists():
        return None
    lines = [
        "DEBUG=true",
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
        f"KAMPUNG_VAR_DIR={(folder / 'var').resolve()}",
    ]
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite a racing one
            out.write(HEADER + "\n".join(lines) + "\n")
    except FileExistsError:
        return None
    path.chmod(0o600)
    return path


def local_addresses() -> list[str]:
    """This machine's own network addresses (as phones on the same Wi-Fi reach it),
    best guess first; loopback excluded."""
    found: list[str] = []
    try:
        # No packet is sent: connecting a UDP socket only picks the outgoing interface.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        hostname = socket.gethostname()
        found.append(hostname)
        found.extend(socket.gethostbyname_ex(hostname)[2])
    except OSError:
        pass
    seen: list[str] = []
    for address in found:
        if address and not address.startswith("127.") and address not in seen:
            seen.append(address)
    return seen
