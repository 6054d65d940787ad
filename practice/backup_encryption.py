"""Passphrase encryption of backup files, streamed: a backup never has to fit in memory.

The file is a header, then the data in chunks of CHUNK_SIZE bytes, each sealed with
AES-256-GCM (the STREAM construction: the nonce holds the chunk's number and whether it
is the last, so chunks cannot be reordered, dropped or cut off unnoticed). The key comes
from the passphrase through scrypt, with the salt and cost in the header, which every
chunk also authenticates. The header carries a check value derived with the key, so a
wrong passphrase is told apart from a damaged file.
"""

import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"PRBKENC1"
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
SALT_SIZE = 16
PREFIX_SIZE = 7  # the nonce's random part; 4 bytes of counter and 1 "last" byte follow
CHECK_SIZE = 32
HEADER_SIZE = len(MAGIC) + SALT_SIZE + 1 + PREFIX_SIZE + CHECK_SIZE
# scrypt's cost as a power of two: 2**17 takes 128 MiB and about a second.
DEFAULT_LOG_N = 17
MAX_LOG_N = 20  # a header asking for more is not one we wrote


class EncryptionError(Exception):
    """The file cannot be decrypted; the message says why, for the operator."""


class WrongPassphrase(EncryptionError):
    pass


def is_encrypted(first_bytes: bytes) -> bool:
    return first_bytes.startswith(MAGIC)


def _derive(passphrase: str, salt: bytes, log_n: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=32 + CHECK_SIZE, n=2**log_n, r=8, p=1).derive(
        passphrase.encode()
    )
    return material[:32], material[32:]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 2**32:
        raise EncryptionError("The backup is too large to encrypt in one file.")
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A writable file object that encrypts into `target`; finish() seals the end."""

    def __init__(self, target, passphrase: str, log_n: int = DEFAULT_LOG_N):
        salt, prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
        key, check = _derive(passphrase, salt, log_n)
        self._header = MAGIC + salt + bytes([log_n]) + prefix + check
        self._aead, self._prefix, self._target = AESGCM(key), prefix, target
        self._buffer = bytearray()
        self._counter = 0
        target.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        # A chunk goes out only once more data follows it: the last one is marked.
        while len(self._buffer) > CHUNK_SIZE:
            self._seal(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last)
        self._target.write(self._aead.encrypt(nonce, chunk, self._header))
        self._counter += 1


class DecryptingReader:
    """A readable file object over an encrypted `source`. Raises WrongPassphrase at once
    for a wrong passphrase, and EncryptionError where the data was altered or cut off."""

    def __init__(self, source, passphrase: str):
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not is_encrypted(header):
            raise EncryptionError("This is not an encrypted backup, or its start is damaged.")
        position = len(MAGIC)
        salt = header[position : position + SALT_SIZE]
        log_n = header[position + SALT_SIZE]
        prefix = header[position + SALT_SIZE + 1 : position + SALT_SIZE + 1 + PREFIX_SIZE]
        stored_check = header[-CHECK_SIZE:]
        if not 1 <= log_n <= MAX_LOG_N:
            raise EncryptionError("The backup's encryption header is damaged.")
        key, check = _derive(passphrase, salt, log_n)
        if not hmac.compare_digest(check, stored_check):
            raise WrongPassphrase(
                "Wrong passphrase: this backup was encrypted with another BACKUP_PASSPHRASE."
            )
        self._aead, self._prefix, self._header, self._source = AESGCM(key), prefix, header, source
        self._counter = 0
        self._next = source.read(CHUNK_SIZE + TAG_SIZE)
        self._plain = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._plain) < size):
            self._open_next()
        if size < 0:
            size = len(self._plain)
        data, self._plain = self._plain[:size], self._plain[size:]
        return data

    def _open_next(self) -> None:
        sealed = self._next
        self._next = self._source.read(CHUNK_SIZE + TAG_SIZE)
        last = not self._next
        try:
            chunk = self._aead.decrypt(
                _nonce(self._prefix, self._counter, last), sealed, self._header
            )
        except InvalidTag:
            raise EncryptionError(
                "The backup is damaged or incomplete: its encrypted data does not check out."
            ) from None
        self._counter += 1
        self._plain += chunk
        self._done = last
