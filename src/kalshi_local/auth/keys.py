"""RSA key material: generating key pairs and reading public keys from PEM."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

MIN_KEY_BITS = 2048


def generate_key_pair(bits: int = MIN_KEY_BITS) -> tuple[str, str]:
    """A new (private PEM, public PEM) pair: PKCS#8 private key, SubjectPublicKeyInfo public key."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private_pem.decode(), public_pem_of(private_key.public_key())


def public_pem_of(public_key: rsa.RSAPublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """The RSA public key in `pem` (SubjectPublicKeyInfo or PKCS#1). ValueError says what is wrong."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ValueError("public_key is not a PEM-encoded public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("public_key must be an RSA key")
    if key.key_size < MIN_KEY_BITS:
        raise ValueError(f"public_key must have at least {MIN_KEY_BITS} bits, got {key.key_size}")
    return key


def public_pem_of_private(private_pem: str) -> str:
    """The public half of a PEM private key (used by the CLI and tests)."""
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("private key must be an RSA key")
    return public_pem_of(private_key.public_key())


SCOPES = ("read", "write")


def normalize_scopes(scopes: list[str] | None) -> tuple[str, ...]:
    """An API key's scopes in canonical order; None means full access (CreateApiKeyRequest)."""
    if scopes is None:
        return SCOPES
    if not scopes:
        raise ValueError("scopes must name at least one of 'read', 'write'")
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"scope {scope!r} is not one of 'read', 'write'")
    if "write" in scopes and "read" not in scopes:
        raise ValueError("scope 'write' requires 'read'")
    return tuple(scope for scope in SCOPES if scope in scopes)
