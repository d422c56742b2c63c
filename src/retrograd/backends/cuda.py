"""`retrograd.backends.cuda`: not built with CUDA; `matmul.allow_tf32` mirrors the float32 matmul precision."""

from __future__ import annotations

from .. import _global_flags


def is_built() -> bool:
    return False


class _MatmulSettings:
    """`backends.cuda.matmul`: TF32 is allowed exactly when the precision is not 'highest', as in PyTorch."""

    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self) -> bool:
        return _global_flags.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        _global_flags.set_float32_matmul_precision("high" if value else "highest")


matmul = _MatmulSettings()
