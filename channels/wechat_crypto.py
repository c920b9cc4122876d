"""WeChat Official Account message security, as documented by Tencent ("消息加解密"):
the signature over token, timestamp and nonce (plain mode) or with the encrypted message
(safe mode), and AES-256-CBC with the EncodingAESKey. Pure Python on `cryptography`; the
simulated WeChat server in the tests encrypts with the same functions, so a mistake on either
side would show.

Plain: signature = sha1(sorted([token, timestamp, nonce]) joined).
Safe: msg_signature = sha1(sorted([token, timestamp, nonce, encrypt]) joined);
key = base64(EncodingAESKey + "="), iv = key[:16]; the plaintext is
16 random bytes + 4-byte big-endian length + message + AppID, PKCS#7-padded to 32 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class WeChatCryptoError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324 - protocol


def check_signature(expected: str, *parts: str) -> None:
    if not expected or not hmac.compare_digest(signature(*parts), expected.lower()):
        raise WeChatCryptoError("bad_signature")


def _key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=")
    except ValueError:
        raise WeChatCryptoError("bad_key") from None
    if len(key) != 32:
        raise WeChatCryptoError("bad_key")
    return key


def encrypt(
    message: str, encoding_aes_key: str, app_id: str, *, random: bytes | None = None
) -> str:
    key = _key(encoding_aes_key)
    body = message.encode("utf-8")
    plain = (random or os.urandom(16)) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(encrypted: str, encoding_aes_key: str, app_id: str) -> str:
    """The message, or WeChatCryptoError when it is not ours (key, padding or AppID)."""
    key = _key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted, validate=True)
    except ValueError:
        raise WeChatCryptoError("bad_ciphertext") from None
    if not data or len(data) % 16:
        raise WeChatCryptoError("bad_ciphertext")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise WeChatCryptoError("bad_padding")
    plain = plain[:-pad]
    if len(plain) < 20:
        raise WeChatCryptoError("bad_ciphertext")
    (length,) = struct.unpack(">I", plain[16:20])
    message, sender = plain[20 : 20 + length], plain[20 + length :]
    if len(message) != length or not hmac.compare_digest(sender, app_id.encode()):
        raise WeChatCryptoError("wrong_app")
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError:
        raise WeChatCryptoError("bad_ciphertext") from None
