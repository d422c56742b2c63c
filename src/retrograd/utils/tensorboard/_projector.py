"""The embedding projector's files: `tensors.tsv`, `metadata.tsv`, `sprite.png` in a folder per
embedding, and `projector_config.pbtxt` listing them all, as PyTorch's `add_embedding` writes them.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from . import _image

__all__ = ["write_embedding", "config_text"]


def _write(path: str, text: str) -> None:
    with open(path, "wb") as f:
        f.write(text.encode())


def _metadata_lines(metadata: list, header: Any) -> list[str]:
    """One label per line, or (with a header) tab-separated columns under the header row."""
    if not header:
        return [str(x) for x in metadata]
    if len(header) != len(metadata[0]):
        raise AssertionError("len of header must be equal to the number of columns in metadata")
    return ["\t".join(str(e) for e in row) for row in [header] + list(metadata)]


def _sprite(images: np.ndarray) -> bytes:
    """The label images (N, C, H, W) tiled in a square grid, padded to a square canvas, as PNG."""
    grid = _image.make_grid(images, ncols=math.ceil(images.shape[0] ** 0.5))
    square = np.zeros((grid.shape[2], grid.shape[2], 3))
    square[: grid.shape[1]] = grid.transpose(1, 2, 0)
    return _image.png((square * 255).clip(0, 255).astype(np.uint8))


def write_embedding(folder: str, mat: np.ndarray, metadata: Any, label_img: Any, header: Any) -> None:
    """Write one embedding's files into `folder` (made if missing; PyTorch's warning if it exists)."""
    if os.path.exists(folder):
        if not os.path.isdir(folder):
            raise NotADirectoryError(f"Path: `{folder}` exists, but is a file. Cannot proceed.")
        print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
    else:
        os.makedirs(folder)
    if metadata is not None:
        if mat.shape[0] != len(metadata):
            raise AssertionError("#labels should equal with #data points")
        _write(os.path.join(folder, "metadata.tsv"), "\n".join(_metadata_lines(metadata, header)) + "\n")
    if label_img is not None:
        if mat.shape[0] != label_img.shape[0]:
            raise AssertionError("#images should equal with #data points")
        with open(os.path.join(folder, "sprite.png"), "wb") as f:
            f.write(_sprite(label_img))
    if mat.ndim != 2:
        raise AssertionError("mat should be 2D, where mat.size(0) is the number of data points")
    # each element as Python prints the float (a float32 0.1 is 0.10000000149011612)
    _write(os.path.join(folder, "tensors.tsv"), "".join("\t".join(str(v.item()) for v in row) + "\n" for row in mat))


def config_text(entries: list[dict]) -> str:
    """`projector_config.pbtxt`: one `embeddings { ... }` block per entry, fields in the proto's order."""
    out = []
    for e in entries:
        out.append("embeddings {")
        out.append(f'  tensor_name: "{e["tensor_name"]}"')
        if "metadata_path" in e:
            out.append(f'  metadata_path: "{e["metadata_path"]}"')
        if "sprite" in e:
            path, (width, height) = e["sprite"]
            out += ["  sprite {", f'    image_path: "{path}"', f"    single_image_dim: {width}",
                    f"    single_image_dim: {height}", "  }"]
        out.append(f'  tensor_path: "{e["tensor_path"]}"')
        out.append("}")
    return "".join(line + "\n" for line in out)
