"""Images for `SummaryWriter.add_image(s)`: PyTorch's layout rules, and a PNG encoder written by hand.

PyTorch turns the input into height × width × channels uint8 (a batch into one grid of up to 8
columns; one channel repeated to three; floats scaled by 255, uint8 kept; then clipped) and
stores it as PNG through PIL. The PNG here is written with `zlib` alone (8-bit, no filtering),
so the pixels TensorBoard decodes are the same though the bytes are not.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["to_hwc", "to_uint8", "png", "with_boxes"]


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """(N, 1 or 3, H, W) images tiled row by row into one (3, H·rows, W·cols) canvas, as PyTorch's."""
    if images.shape[1] == 1:
        images = np.concatenate([images, images, images], 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = int(np.ceil(float(n) / ncols))
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h: (y + 1) * h, x * w: (x + 1) * w] = images[i]
    return canvas


def to_hwc(array: np.ndarray, dataformats: str) -> np.ndarray:
    """`array` laid out as `dataformats` (letters of NCHW) turned to (H, W, C), as PyTorch's `convert_to_HWC`."""
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(f"You can not use the same dimension shorthand twice. \
            input_format: {dataformats}")
    if len(array.shape) != len(dataformats):
        raise AssertionError(f"size of input tensor and input format are different. \
        tensor shape: {array.shape}, input_format: {dataformats}")
    fmt = dataformats.upper()
    if len(fmt) == 4:
        return make_grid(array.transpose([fmt.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = array.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc, hwc, hwc], 2) if hwc.shape[2] == 1 else hwc
    hw = array.transpose([fmt.find(c) for c in "HW"])
    return np.stack([hw, hw, hw], 2)


def to_uint8(hwc: np.ndarray) -> np.ndarray:
    """uint8 kept as it is; any other dtype read as [0, 1] and scaled by 255; then clipped to [0, 255]."""
    scale = 1 if hwc.dtype == np.uint8 else 255
    return (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(hwc: np.ndarray) -> bytes:
    """A PNG file of an (H, W, C) uint8 image, C = 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA)."""
    h, w, c = hwc.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    rows = np.concatenate([np.zeros((h, 1), np.uint8), np.ascontiguousarray(hwc).reshape(h, w * c)], 1)
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + _chunk(b"IEND", b""))


def with_boxes(hwc: np.ndarray, boxes: np.ndarray, labels: list | None, rescale: float) -> np.ndarray:
    """`hwc` (uint8) with each (x0, y0, x1, y1) box outlined in red and its label on a red band, then
    resized by `rescale` (Lanczos), drawn with PIL as PyTorch's writer draws them (PIL is needed here, as there)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.fromarray(hwc)
    draw, font = ImageDraw.Draw(image), ImageFont.load_default()
    for i in range(boxes.shape[0]):
        left, top, right, bottom = (boxes[i, k] for k in range(4))
        draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)], width=2, fill="Red")
        text = None if labels is None else labels[i]
        if text:
            x0, y0, x1, y1 = font.getbbox(text)
            width, height = x1 - x0, y1 - y0
            margin = np.ceil(0.05 * height)
            draw.rectangle([(left, bottom - height - 2 * margin), (left + width, bottom)], fill="Red")
            draw.text((left + margin, bottom - height - margin), text, fill="black", font=font)
    scaled = image.resize((int(hwc.shape[1] * rescale), int(hwc.shape[0] * rescale)), Image.Resampling.LANCZOS)
    return np.asarray(scaled)
