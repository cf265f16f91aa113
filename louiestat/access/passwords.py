"""Passwords for the built-in sign-in, stored only as Argon2id hashes (argon2-cffi, OWASP's first choice).

Length is the rule that matters (NIST SP 800-63B-4): at least ``MIN_LENGTH`` characters when a password is the
only factor, any characters, no composition rules."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from louiestat.config import get_settings

MIN_LENGTH = 15
MAX_LENGTH = 256


def _hasher() -> PasswordHasher:
    """Argon2id with the parameters of the settings (by default the library's RFC 9106 "low memory" ones)."""
    settings = get_settings()
    return _hasher_with(settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism)


@cache
def _hasher_with(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be used, or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters (a few words make a good one); this one has {len(password)}"
    if len(password) > MAX_LENGTH:
        return f"a password may have at most {MAX_LENGTH} characters; this one has {len(password)}"
    if not password.strip():
        return "a password cannot be only spaces"
    return None


def hash_password(password: str) -> str:
    """The Argon2id hash to store (salted; the same password hashes differently each time)."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (False for a user without a password)."""
    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` was made with other parameters than new hashes are (so sign-in replaces it)."""
    return _hasher().check_needs_rehash(stored_hash)
