"""SummaryWriter's event files: TFRecord framing with valid checksums, and the Event messages inside.

Read back with a small protocol-buffer reader written here (TensorBoard is not a dependency).
"""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest

import retrograd as rg
from retrograd.utils.tensorboard import SummaryWriter
from retrograd.utils.tensorboard._events import crc32c


def _masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _records(path):
    data = open(path, "rb").read()
    out, i = [], 0
    while i < len(data):
        (length,) = struct.unpack_from("<Q", data, i)
        assert struct.unpack_from("<I", data, i + 8)[0] == _masked(crc32c(data[i : i + 8]))
        body = data[i + 12 : i + 12 + length]
        assert struct.unpack_from("<I", data, i + 12 + length)[0] == _masked(crc32c(body))
        out.append(body)
        i += 16 + length
    return out


def _fields(buf):
    """(field number, value) pairs of one message: ints, bytes, or raw 4/8-byte values."""
    i, out = 0, []
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = struct.unpack_from("<d", buf, i)[0], i + 8
        elif wire == 5:
            value, i = struct.unpack_from("<f", buf, i)[0], i + 4
        else:
            n, i = _varint(buf, i)
            value, i = buf[i : i + n], i + n
        out.append((field, value))
    return out


def _varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def _events(folder):
    (name,) = [n for n in os.listdir(folder) if n.startswith("events.out.tfevents.")]
    return [dict(_fields(r)) for r in _records(os.path.join(folder, name))]


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283


def test_scalars_histograms_and_text(tmp_path):
    with SummaryWriter(str(tmp_path), max_queue=2) as w:
        w.add_scalar("loss", rg.tensor(0.25), 3)
        w.add_scalar("lr", 0.1, 4, walltime=123.0)
        w.add_histogram("weights", rg.tensor([-1.0, 0.5, 0.5, 2.0]), 5)
        w.add_text("note", "hello", 6)
    events = _events(str(tmp_path))
    assert events[0][3] == b"brain.Event:2"
    loss = dict(_fields(dict(_fields(events[1][5]))[1]))
    assert loss[1] == b"loss" and loss[2] == 0.25 and events[1][2] == 3
    assert events[2][1] == 123.0 and events[2][2] == 4
    histo = dict(_fields(dict(_fields(dict(_fields(events[3][5]))[1]))[5]))
    assert (histo[1], histo[2], histo[3], histo[4], histo[5]) == (-1.0, 2.0, 4.0, 2.0, 5.5)
    counts = np.frombuffer(histo[7], dtype="<f8")
    limits = np.frombuffer(histo[6], dtype="<f8")
    assert counts.sum() == 4 and len(counts) == len(limits) and limits[-1] >= 2.0
    text = dict(_fields(dict(_fields(events[4][5]))[1]))
    assert text[1] == b"note" and dict(_fields(text[8]))[8] == b"hello"


def test_add_scalars_writes_one_folder_per_series_and_purge_step(tmp_path):
    w = SummaryWriter(str(tmp_path), purge_step=7)
    w.add_scalars("run", {"train": 1.0, "val": 2.0}, 1)
    w.close()
    assert sorted(p for p in os.listdir(tmp_path) if not p.startswith("events")) == ["run_train", "run_val"]
    value = dict(_fields(dict(_fields(_events(str(tmp_path / "run_val"))[2][5]))[1]))
    assert value[1] == b"run" and value[2] == 2.0
    start = _events(str(tmp_path))[1]  # purge_step: SessionLog START at step 7
    assert start[2] == 7 and dict(_fields(start[6]))[1] == 1


def test_default_folder_and_refusals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp")
    assert w.get_logdir().startswith("runs") and w.get_logdir().endswith("_exp") and os.path.isdir(w.get_logdir())
    with pytest.raises(NotImplementedError):
        w.add_scalar("x", 1.0, new_style=True)
    with pytest.raises(ValueError, match="no element"):
        w.add_histogram("h", np.array([]))


def _png_pixels(data):
    """Pixels of an 8-bit, unfiltered PNG (what the writer produces), read with zlib alone."""
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, chunks = 8, {}
    while i < len(data):
        (n,) = struct.unpack_from(">I", data, i)
        chunks[data[i + 4 : i + 8]] = chunks.get(data[i + 4 : i + 8], b"") + data[i + 8 : i + 8 + n]
        i += 12 + n
    w, h, depth, color = struct.unpack_from(">IIBB", chunks[b"IHDR"])
    c = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(h, 1 + w * c)
    assert depth == 8 and (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(h, w, c)


def _image(event):
    value = dict(_fields(dict(_fields(event[5]))[1]))
    image = dict(_fields(value[4]))
    return value[1], (image[1], image[2], image[3]), _png_pixels(image[4])


def test_add_image_and_add_images_follow_pytorchs_layout_rules(tmp_path):
    chw = np.array([[[0.0, 0.5]], [[1.0, 2.0]], [[-1.0, 0.25]]], np.float32)  # C=3, H=1, W=2
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image("chw", rg.tensor(chw), 1)
        w.add_image("u8", np.array([[[7, 300 % 256, 9]]], np.uint8), 2, dataformats="HWC")
        w.add_image("hw", rg.tensor([[0.0, 1.0]]), 3, dataformats="HW")
        w.add_images("grid", rg.ones(9, 1, 1, 1) * 0.5, 4)
        with pytest.raises(AssertionError, match="size of input tensor and input format are different"):
            w.add_image("bad", rg.ones(2, 2))
        with pytest.raises(AssertionError, match="same dimension shorthand twice"):
            w.add_image("bad", rg.ones(2, 2, 2), dataformats="CCW")
    events = _events(str(tmp_path))[1:]
    tag, dims, px = _image(events[0])
    # floats are scaled by 255, clipped, truncated to uint8: (H, W, C) = (1, 2, 3)
    assert tag == b"chw" and dims == (1, 2, 3) and events[0][2] == 1
    assert px.tolist() == [[[0, 255, 0], [127, 255, 63]]]
    assert _image(events[1])[2].tolist() == [[[7, 44, 9]]]  # uint8 kept as it is
    assert _image(events[2])[2].tolist() == [[[0, 0, 0], [255, 255, 255]]]  # grey repeated to RGB
    tag, dims, px = _image(events[3])  # 9 images: a grid of 8 columns and 2 rows, the gap black
    assert dims == (2, 8, 3) and (px[0] == 127).all() and (px[1, 0] == 127).all() and (px[1, 1:] == 0).all()
