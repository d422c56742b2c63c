"""TensorBoard's event files, written by hand: TFRecord framing around `Event` protocol buffers.

A file is a sequence of records: the length (uint64, little-endian), its masked CRC-32C, the
bytes, their masked CRC-32C. Each record is an `Event` message (wall_time = 1, step = 2,
file_version = 3, summary = 5); a `Summary` holds `Value`s (tag = 1, simple_value = 2,
histo = 5, image = 4, audio = 6, tensor = 8, metadata = 9). Only the few fields the writer uses are
encoded, so no protobuf library is needed. Fields are written in field-number order, as protobuf
writes them, so the bytes are those PyTorch's writer (through TensorBoard's protobuf) produces.
"""

from __future__ import annotations

import struct

__all__ = [
    "crc32c", "record", "event", "scalar_value", "histogram_value", "image_value", "summary",
    "audio_value", "plugin_value", "tensor_proto", "message", "varint_field", "string_field", "packed_field",
]


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1  # Castagnoli's polynomial, reflected
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """CRC-32C of `data` (the checksum TFRecord uses)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _masked(crc: int) -> int:
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data: bytes) -> bytes:
    """One TFRecord: length, its checksum, the data, its checksum."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", _masked(crc32c(length))) + data + struct.pack("<I", _masked(crc32c(data)))


# --- protocol buffer wire format: key = field number << 3 | wire type ---------------------------


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64s as ten-byte two's complement, as protobuf does
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", value)


def _float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", value)


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def _packed_doubles(field: int, values: list[float]) -> bytes:
    return _bytes(field, struct.pack(f"<{len(values)}d", *values))


def packed_field(field: int, values: list, fmt: str) -> bytes:
    """A packed repeated field: fixed-width floats or doubles (`fmt` "f"/"d"), or varints ("varint")."""
    if fmt == "varint":
        return _bytes(field, b"".join(_varint(int(v)) for v in values))
    return _bytes(field, struct.pack(f"<{len(values)}{fmt}", *values))


def message(field: int, body: bytes) -> bytes:
    """An embedded message (or bytes) as field `field`."""
    return _bytes(field, body)


def string_field(field: int, text: str) -> bytes:
    """A string field, left out when empty (proto3 writes no default value)."""
    return _bytes(field, text.encode()) if text else b""


def varint_field(field: int, n: int) -> bytes:
    """An integer (or enum, or bool) field, left out when 0."""
    return _key(field, 0) + _varint(int(n)) if n else b""


def double_field(field: int, value: float, *, in_oneof: bool = False) -> bytes:
    """A double field, left out when 0.0 unless it is the chosen member of a oneof."""
    return _double(field, value) if value or in_oneof else b""


def tensor_proto(dtype: int, shape: tuple[int, ...], *, float_val: list[float] | None = None,
                 string_val: list[bytes] | None = None) -> bytes:
    """A `TensorProto` (dtype = 1, tensor_shape = 2, float_val = 5 packed, string_val = 8)."""
    dims = b"".join(message(2, varint_field(1, n)) for n in shape)  # TensorShapeProto.dim, Dim.size
    out = varint_field(1, dtype) + message(2, dims)
    if float_val:
        out += _bytes(5, struct.pack(f"<{len(float_val)}f", *float_val))
    for s in string_val or ():
        out += _bytes(8, s)
    return out


def plugin_value(tag: str, plugin_name: str, content: bytes = b"", tensor: bytes | None = None) -> bytes:
    """A `Summary.Value` that a TensorBoard plugin reads: its metadata names the plugin and carries `content`."""
    plugin_data = string_field(1, plugin_name) + (_bytes(2, content) if content else b"")
    out = _bytes(1, tag.encode())
    if tensor is not None:
        out += _bytes(8, tensor)
    return out + _bytes(9, message(1, plugin_data))


def audio_value(tag: str, sample_rate: float, length_frames: int, wav: bytes) -> bytes:
    """A `Summary.Value` holding a mono WAV clip (`Summary.Audio`)."""
    audio = (_float(1, sample_rate) + varint_field(2, 1) + varint_field(3, length_frames) + _bytes(4, wav)
             + string_field(5, "audio/wav"))
    return _bytes(1, tag.encode()) + _bytes(6, audio)


def scalar_value(tag: str, value: float) -> bytes:
    """A `Summary.Value` holding one number."""
    return _bytes(1, tag.encode()) + _float(2, value)


def histogram_value(tag: str, stats: tuple[float, float, float, float, float], limits: list[float],
                    counts: list[float]) -> bytes:
    """A `Summary.Value` holding a histogram: (min, max, num, sum, sum of squares), bucket limits and counts."""
    lo, hi, num, total, squares = stats
    histo = (_double(1, lo) + _double(2, hi) + _double(3, num) + _double(4, total) + _double(5, squares)
             + _packed_doubles(6, limits) + _packed_doubles(7, counts))
    return _bytes(1, tag.encode()) + _bytes(5, histo)


def image_value(tag: str, height: int, width: int, colorspace: int, encoded: bytes) -> bytes:
    """A `Summary.Value` holding an encoded image (`Summary.Image`: height, width, colorspace, bytes)."""
    image = _key(1, 0) + _varint(height) + _key(2, 0) + _varint(width) + _key(3, 0) + _varint(colorspace)
    return _bytes(1, tag.encode()) + _bytes(4, image + _bytes(4, encoded))


def summary(values: list[bytes]) -> bytes:
    """A `Summary` message of encoded values."""
    return b"".join(_bytes(1, v) for v in values)


def event(wall_time: float, step: int = 0, *, file_version: str | None = None, summary_bytes: bytes | None = None,
          graph_def: bytes | None = None, tagged_run_metadata: bytes | None = None) -> bytes:
    """An `Event` message (graph_def = 4, summary = 5, tagged_run_metadata = 8)."""
    out = _double(1, wall_time)
    if step:
        out += _key(2, 0) + _varint(step)
    if file_version is not None:
        out += _bytes(3, file_version.encode())
    if graph_def is not None:
        out += _bytes(4, graph_def)
    if summary_bytes is not None:
        out += _bytes(5, summary_bytes)
    if tagged_run_metadata is not None:
        out += _bytes(8, tagged_run_metadata)
    return out


def text_value(tag: str, text: str) -> bytes:
    """A `Summary.Value` holding a string tensor for TensorBoard's text plugin."""
    metadata = _bytes(1, _bytes(1, b"text"))  # SummaryMetadata.plugin_data.plugin_name
    shape = _bytes(2, _key(1, 0) + _varint(1))  # TensorShapeProto.dim: [1]
    tensor = _key(1, 0) + _varint(7) + _bytes(2, shape) + _bytes(8, text.encode())  # DT_STRING, shape, string_val
    return _bytes(1, tag.encode()) + _bytes(9, metadata) + _bytes(8, tensor)


def session_start(wall_time: float, step: int) -> bytes:
    """An `Event` with SessionLog START at `step`: TensorBoard drops the events at or after it (purge_step)."""
    return event(wall_time, step) + _bytes(6, _key(1, 0) + _varint(1))
