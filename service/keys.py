"""API keys, each bound to one tenant, kept as hashes in one JSON file under the data directory.

Once the file exists, keys are required, even when none is left in it; local mode (no keys,
tenants from a header) is only for a data directory that never had one.

A key reads `sourced_<key id>_<secret>`: the id finds the record without trying every hash,
and only the SHA-256 of the whole key is stored. The keys are 256 random bits, so a fast hash
is enough; comparison is constant time. The file is re-read when it changes on disk, so
`sourced keys revoke` takes effect in a running server (every worker) at its next request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

PREFIX = "sourced"
# Compared against when a presented key names no known id, so a miss costs what a hit does.
_NO_KEY_HASH = hashlib.sha256(b"no such key").hexdigest()


class ApiKey(BaseModel):
    key_id: str
    tenant: str
    admin: bool
    created_at: datetime
    sha256: str


class KeyStore:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._keys: dict[str, ApiKey] = {}
        self._in_force = False

    def records(self) -> list[ApiKey]:
        with self._lock:
            self._reload()
            return sorted(self._keys.values(), key=lambda k: k.created_at)

    @property
    def enabled(self) -> bool:
        """Keys are in force once the keys file exists, even when every key in it is revoked: a
        revoke must shut a caller out, never open the service. Local mode is a data directory that
        never had a key (see `sourced serve`). A file that vanishes under a running server (an
        unmounted volume) leaves keys in force there too."""
        self._in_force = self._in_force or self.path.exists()
        return self._in_force

    def add(self, tenant: str, admin: bool = False) -> tuple[ApiKey, str]:
        """A new key for `tenant`; the plain key is returned once and never stored."""
        key_id = secrets.token_hex(6)
        plain = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id=key_id, tenant=tenant, admin=admin, created_at=datetime.now(UTC),
                        sha256=_digest(plain))
        with self._lock:
            self._reload()
            self._write({**self._keys, key_id: record})
        return record, plain

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            self._reload()
            if key_id not in self._keys:
                return False
            self._write({k: v for k, v in self._keys.items() if k != key_id})
            return True

    def authenticate(self, presented: str) -> ApiKey | None:
        parts = presented.split("_", 2)
        key_id = parts[1] if len(parts) == 3 and parts[0] == PREFIX else ""
        with self._lock:
            self._reload()
            record = self._keys.get(key_id)
        expected = record.sha256 if record else _NO_KEY_HASH
        matches = hmac.compare_digest(_digest(presented), expected)
        return record if matches and record else None

    def _reload(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._keys = None, {}
            return
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            self._keys = {e["key_id"]: ApiKey.model_validate(e) for e in entries}
            self._seen = seen

    def _write(self, keys: dict[str, ApiKey]) -> None:
        """Whole-file replace: a reader sees the old file or the new one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".keys-")  # created with mode 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump([k.model_dump(mode="json") for k in keys.values()], out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._seen = None
        self._reload()


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()
