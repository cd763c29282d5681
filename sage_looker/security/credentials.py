"""The encrypted credential store: `$SAGE_LOOKER_HOME/credentials.enc`, file mode 0600.

Holds only real secrets (`NAMES`): the Sage 300 password and the Looker API client secret. Everything else
is ordinary configuration and stays in environment variables, where it can be read and diffed.

Encryption: Fernet (AES-128-CBC + HMAC-SHA256, authenticated) from `cryptography`. The Fernet key is derived
with scrypt from `SAGE_LOOKER_SECRET_KEY` (or a key kept in the OS keyring when the optional `keyring`
package is installed and the variable is unset) and a random per-file salt, so a memorable passphrase is
as usable as a generated key (`sage-looker credentials new-key`) and a stolen file cannot be checked
against a passphrase list cheaply. The secret names are inside the ciphertext too: the file says nothing
but "encrypted credentials" to whoever reads it, and tampering with any byte fails the HMAC.

Precedence (`secret_or_stored`, used by the Sage and Looker resources): a non-empty environment variable
always wins, then the store. Nothing stored (no file) means exactly the previous behaviour, without touching
the key or importing `cryptography`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets as _random
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from sage_looker.errors import ConfigurationError
from sage_looker.home import home_dir

NAMES: dict[str, str] = {
    "SAGE300_PASSWORD": "password of the Sage 300 user SAGE300_USER",
    "LOOKER_CLIENT_SECRET": "client secret of the Looker API key LOOKER_CLIENT_ID",
}
KEY_ENV = "SAGE_LOOKER_SECRET_KEY"
FILE_NAME = "credentials.enc"
FORMAT = "sage_looker-credentials"
KEYRING_SERVICE = "sage_looker"
KEYRING_USER = KEY_ENV
# scrypt cost: ~50 ms and 16 MiB per derivation; derived keys are cached per process, so this is paid once.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# A stored key shorter than this is guessable offline whatever the KDF costs; reading still accepts any key
# so a wrong short key gets the "does not decrypt" message rather than a length lecture.
MIN_KEY_LENGTH = 16

_lock = threading.Lock()
_derived: dict[tuple, bytes] = {}
_decrypted: dict[tuple, dict[str, str]] = {}


class CredentialsError(ConfigurationError):
    """The credential store cannot be used: the message names the cause and the fix (never a secret)."""


def store_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return home_dir(env) / FILE_NAME


def new_key() -> str:
    """A fresh random key for SAGE_LOOKER_SECRET_KEY (a Fernet-format key: 32 random bytes, base64)."""
    return base64.urlsafe_b64encode(_random.token_bytes(32)).decode()


def _check_name(name: str) -> str:
    upper = name.strip().upper()
    if upper not in NAMES:
        raise CredentialsError(f"{name!r} is not a storable secret; use one of: {', '.join(NAMES)}")
    return upper


def _keyring():
    try:
        import keyring  # optional: only when installed
    except ImportError:
        return None
    return keyring


def _key(env: Mapping[str, str], *, create: bool) -> tuple[str, str]:
    """(key material, where it came from). `create` = generating a key in the keyring is allowed."""
    value = (env.get(KEY_ENV) or "").strip()
    if value:
        return value, KEY_ENV
    kr = _keyring()
    if kr is not None:
        try:
            stored = kr.get_password(KEYRING_SERVICE, KEYRING_USER)
            if not stored and create:
                stored = new_key()
                kr.set_password(KEYRING_SERVICE, KEYRING_USER, stored)
        except Exception as exc:  # no backend (headless server): fall through to the clear error below
            stored = None
            kr_problem = f" (the OS keyring failed: {type(exc).__name__})"
        else:
            kr_problem = " and the OS keyring holds no sage_looker key"
        if stored:
            return stored, "the key in the OS keyring"
    else:
        kr_problem = ""
    raise CredentialsError(
        f"{KEY_ENV} is not set{kr_problem}: the credential store needs it. Generate one with "
        f"`sage-looker credentials new-key`, keep it in your secret manager, and export {KEY_ENV} wherever "
        "sage-looker runs (or set SAGE300_PASSWORD / LOOKER_CLIENT_SECRET as environment variables instead).")


def _kdf_params(path: Path, doc: dict) -> dict[str, int]:
    """The scrypt cost the file was written with (older or newer versions may have chosen another), within
    bounds a damaged or hostile file cannot turn into a memory or CPU bomb."""
    kdf = doc.get("kdf") or {"name": "scrypt", **_SCRYPT}
    try:
        if kdf.get("name") != "scrypt":
            raise ValueError
        params = {k: int(kdf[k]) for k in ("n", "r", "p")}
        n, r, p = params["n"], params["r"], params["p"]
        if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 128 * n * r <= 2**30):
            raise ValueError
    except (AttributeError, KeyError, TypeError, ValueError):
        raise CredentialsError(
            f"{path} names a key derivation this version cannot use ({json.dumps(kdf)[:120]}); store the secrets "
            "again with `sage-looker credentials set NAME --overwrite`.") from None
    return params


def _fernet(material: str, salt: bytes, params: Mapping[str, int] | None = None):
    params = dict(params or _SCRYPT)
    try:
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    except ImportError:
        raise CredentialsError("the credential store needs the `cryptography` package: "
                               "pip install cryptography") from None
    cache_key = (hashlib.sha256(material.encode()).hexdigest(), salt, tuple(sorted(params.items())))
    with _lock:
        raw = _derived.get(cache_key)
    if raw is None:
        raw = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(material.encode())
        with _lock:
            _derived[cache_key] = raw
    return Fernet(base64.urlsafe_b64encode(raw))


def _wrong_key(path: Path, source: str) -> CredentialsError:
    who = KEY_ENV if source == KEY_ENV else source
    return CredentialsError(
        f"{who} does not decrypt {path}; set the key used when storing, or run `sage-looker credentials set "
        "NAME --overwrite` again to store the secrets under the current key (what the old key protected is lost).")


def _read_envelope(path: Path) -> dict:
    try:
        doc = json.loads(path.read_bytes())
        if doc.get("format") != FORMAT or doc.get("version") != 1:
            raise ValueError
        base64.b64decode(doc["salt"], validate=True)
        str(doc["token"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise CredentialsError(
            f"{path} is not a readable sage_looker credential store (damaged or from another tool); restore it "
            "from a backup, or remove it with `sage-looker credentials delete --all` and store the secrets "
            "again.") from None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        # Encrypted, so not an immediate leak; but group/other access means someone loosened it on purpose.
        import logging
        logging.getLogger(__name__).warning("%s is readable by other users; run: chmod 600 %s", path, path)
    return doc


def _load(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The stored {name: value}; {} when there is no store."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    material, source = _key(env, create=False)
    cache_key = (str(path.resolve()), st.st_mtime_ns, st.st_size, hashlib.sha256(material.encode()).hexdigest())
    with _lock:
        hit = _decrypted.get(cache_key)
    if hit is not None:
        return dict(hit)
    doc = _read_envelope(path)
    from cryptography.fernet import InvalidToken

    try:
        plain = _fernet(material, base64.b64decode(doc["salt"]), _kdf_params(path, doc)).decrypt(doc["token"].encode())
    except InvalidToken:
        raise _wrong_key(path, source) from None
    values = {k: str(v) for k, v in json.loads(plain)["secrets"].items() if k in NAMES}
    with _lock:
        _decrypted.clear()  # one store per process in practice; never keep stale plaintexts around
        _decrypted[cache_key] = dict(values)
    return values


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the store across processes (two `set`s must not lose a name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: the atomic replace below still prevents a torn file
        yield
        return
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(path: Path, values: dict[str, str], material: str) -> None:
    salt = _random.token_bytes(16)  # fresh per write: a re-encryption never reuses a derived key
    plain = json.dumps({"secrets": values, "updated": dt.datetime.now(dt.timezone.utc).isoformat()}).encode()
    doc = {"format": FORMAT, "version": 1, "kdf": {"name": "scrypt", **_SCRYPT},
           "salt": base64.b64encode(salt).decode(), "token": _fernet(material, salt).encrypt(plain).decode()}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # Created 0600 from the first byte (no window where the file is world-readable), then renamed over.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(json.dumps(doc, indent=1).encode())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with _lock:
        _decrypted.clear()


def stored_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The stored value of `name`, or None when nothing is stored. Raises CredentialsError (wrong or missing
    key, damaged file) only when a store exists."""
    env = os.environ if env is None else env
    return _load(store_path(env), env).get(_check_name(name))


def resolve_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """A non-empty environment variable wins; else the stored value; else the variable as set ('' or None)."""
    env = os.environ if env is None else env
    value = env.get(name)
    return secret_or_stored(name, value, env) or value


def secret_or_stored(name: str, value: str | None, env: Mapping[str, str] | None = None) -> str:
    """The one stored-secret fallback (Sage password, Looker client secret): `value` when non-empty (the
    environment or code set it), else the secret `sage-looker credentials set` stored under `name`, else ''.
    A store the key cannot open raises CredentialsError naming `name` and the fix."""
    if value:
        return value
    try:
        return stored_secret(name, env) or ""
    except CredentialsError as exc:
        raise CredentialsError(f"{_check_name(name)}: {exc}") from None


def stored_names(env: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    return sorted(_load(store_path(env), env))


def set_secret(name: str, value: str, env: Mapping[str, str] | None = None, *, overwrite: bool = False) -> Path:
    """Store `value` under `name`. `overwrite`: replace a store the current key cannot decrypt (its contents
    are lost) instead of failing."""
    env = os.environ if env is None else env
    name = _check_name(name)
    if not value:
        raise CredentialsError(f"refusing to store an empty {name}; use `sage-looker credentials delete {name}`")
    path = store_path(env)
    material, source = _key(env, create=True)
    if source == KEY_ENV and len(material) < MIN_KEY_LENGTH:
        raise CredentialsError(f"{KEY_ENV} is too short to protect stored secrets (fewer than {MIN_KEY_LENGTH} "
                               "characters); generate one with `sage-looker credentials new-key`")
    with _exclusive(path):
        try:
            values = _load(path, env)
        except CredentialsError:
            if not overwrite:
                raise
            values = {}
        values[name] = value
        _write(path, values, material)
    return path


def delete_secret(name: str | None, env: Mapping[str, str] | None = None) -> bool:
    """Remove one name (None: the whole store). True if something was removed."""
    env = os.environ if env is None else env
    path = store_path(env)
    with _exclusive(path):
        if name is None:
            existed = path.exists()
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            with _lock:
                _decrypted.clear()
            return existed
        name = _check_name(name)
        values = _load(path, env)
        if name not in values:
            return False
        del values[name]
        if values:
            _write(path, values, _key(env, create=False)[0])
        else:
            path.unlink()
        return True
