"""Whether credentials may travel over a URL: https always; plain http only to this machine (loopback: the
bundled simulators, a local TLS-terminating proxy). Anything else sends a password or secret readable by every
hop of the network, so the settings refuse it unless the operator allows it explicitly."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_safe_http(url: str) -> bool:
    """True for https:// and for http:// to a loopback host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    scheme = (parts.scheme or "").lower()
    return scheme == "https" or (scheme == "http" and is_loopback(host))


SAGE_ALLOW_ENV = "SAGE300_ALLOW_INSECURE_HTTP"


def refuse_basic_over_http(url: str | None, has_password: bool, env, error: type[Exception] = ValueError) -> None:
    """Sage sends HTTP Basic (the password, base64) on every request: over plain http to another machine that
    is the password in clear on the network. Refused unless SAGE300_ALLOW_INSECURE_HTTP=true. The caller names
    the exception (its own configuration error), so this lowest layer imports nothing of the packages above."""
    if not url or not has_password or is_safe_http(url):
        return
    # The process environment counts too: the Dagster resource passes only its own fields as `env`.
    allowed = env.get(SAGE_ALLOW_ENV) or os.environ.get(SAGE_ALLOW_ENV) or ""
    if allowed.strip().lower() in ("1", "true", "yes", "on"):
        return
    raise error(
        f"invalid Sage 300 settings:\n  SAGE300_URL ({urlsplit(url).scheme}://{urlsplit(url).hostname}...): plain "
        "http:// to a host other than this machine sends the Sage password (HTTP Basic) unencrypted on every "
        f"request. Fix: use https:// (SAGE300_CA_BUNDLE for a private CA), or set {SAGE_ALLOW_ENV}=true if the "
        "network path is protected otherwise.")
