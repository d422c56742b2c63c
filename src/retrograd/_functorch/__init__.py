"""`torch._functorch`: what the `functorch` package that ships with PyTorch imports.

`import functorch` (torchopt and pre-2.0 tutorials still write it) runs PyTorch's own
`functorch/__init__.py`, which takes its names from `torch._functorch.deprecated`,
`torch._functorch.make_functional` and `torch._functorch.python_key`. Under
`python -m retrograd run` those resolve here: the transforms are `retrograd.func`'s, behind
PyTorch's deprecation warning.
"""
