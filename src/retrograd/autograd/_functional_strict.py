"""The `strict=True` checks of `autograd.functional`, with PyTorch's messages at PyTorch's stages.

`vjp`, `jvp`, `vhp`, `hvp` and `hessian` check the function's outputs, then each gradient they
take; which message a user sees depends on where the first unused or constant part shows up,
so the checks are named by that place, as PyTorch names them.
"""

from __future__ import annotations

from ..ops.creation import zeros_like

_INDEPENDENT = (
    "The output of the user-provided function is independent of input {i}. This is not allowed in strict mode."
)

# A check's subject that exists but does not require grad, by what it is.
_CONSTANT = {
    "outputs": (
        "Output {i} of the user-provided function does not require gradients. The outputs must be computed in "
        "a differentiable manner from the input when running in strict mode."
    ),
    "grad_inputs": (
        "The gradient with respect to input {i} is independent of the inputs of the user-provided function. "
        "This is not allowed in strict mode."
    ),
    "jacobian": (
        "While computing the hessian, found that the jacobian of the user-provided function with respect to "
        "input {i} is independent of the input. This is not allowed in strict mode. You should ensure that your "
        "function is twice differentiable and that the jacobian depends on the inputs (this would be violated "
        "by a linear function for example)."
    ),
}

# A gradient that is None, by the backward pass that gave it.
_MISSING = {
    "back": _INDEPENDENT,
    "back_trick": (
        "The gradient with respect to the input is independent of entry {i} in the grad_outputs when using the "
        "double backward trick to compute forward mode gradients. This is not allowed in strict mode."
    ),
    "double_back": (
        "The jacobian of the user-provided function is independent of input {i}. This is not allowed in strict mode."
    ),
    "double_back_trick": (
        "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. This is "
        "not allowed in strict mode as it prevents from using the double backward trick to replace forward "
        "mode AD."
    ),
}


def check_requires_grad(tensors: tuple, kind: str, strict: bool) -> None:
    """Under `strict`, raise unless each of `tensors` (`kind`: "outputs", "grad_inputs", "jacobian") needs grad."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(_INDEPENDENT.format(i=i))
        if not t.requires_grad:
            raise RuntimeError(_CONSTANT[kind].format(i=i))


def fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    """`grads` with each None replaced by zeros shaped like `refs`; under `strict`, PyTorch's errors instead.

    `stage` names the backward pass: "back" (vjp), "back_trick" (jvp), "double_back" (vhp) or
    "double_back_trick" (hvp). Under `create_graph`, a gradient that does not require grad is
    refused too: the result could not be differentiated further.
    """
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_MISSING[stage].format(i=i))
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage.startswith("double") else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. This is not allowed in "
                "strict mode when create_graph=True."
            )
        out.append(g)
    return tuple(out)
