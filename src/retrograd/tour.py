"""`python -m retrograd tour`: the autograd tutorial retrograd was born from, topic by topic.

Each step is a short program of retrograd's own: the tour prints its code, runs
it, and prints what it printed, so a newcomer sees both side by side.
"""

from __future__ import annotations

import contextlib
import io
import textwrap

STEPS: list[tuple[str, str]] = [
    (
        "1. Tracking gradients of a scalar",
        """
        import retrograd as torch

        x = torch.tensor(2.0, requires_grad=True)
        y = x ** 2          # y = x²
        y.backward()        # dy/dx = 2x
        print(x.grad)       # 2 * 2 = 4
        """,
    ),
    (
        "2. Partial derivatives of several variables",
        """
        import retrograd as torch

        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x.sum() ** 2                 # y = (x1 + x2)²
        y.backward()
        print(x.grad)                    # 2 (x1 + x2) for each

        u = torch.tensor(1.0, requires_grad=True)
        v = torch.tensor(2.0, requires_grad=True)
        f = u * v + u ** 2               # ∂f/∂u = v + 2u, ∂f/∂v = u
        f.backward()
        print(u.grad, v.grad)
        """,
    ),
    (
        "3. The graph is rebuilt on every forward pass",
        """
        import retrograd as torch

        def forward(x):
            if x > 0:                    # ordinary Python control flow
                return x ** 2 + 2 * x + 1
            return -x

        for value in (3.0, -1.0):
            x = torch.tensor(value, requires_grad=True)
            y = forward(x)
            y.backward()
            print(value, "->", y.grad_fn.name(), "dy/dx =", x.grad)
        """,
    ),
    (
        "4. Gradients accumulate until you zero them",
        """
        import retrograd as torch

        x = torch.tensor(1.0, requires_grad=True)
        (x ** 2).backward()
        print(x.grad)                    # 2x = 2
        (x ** 3).backward()
        print(x.grad)                    # 2 + 3x² = 5: added, not replaced
        x.grad.zero_()
        print(x.grad)
        """,
    ),
    (
        "5. Stopping gradients: detach() and no_grad()",
        """
        import retrograd as torch

        x = torch.tensor(2.0, requires_grad=True)
        z = (x ** 2).detach()            # same value, cut from the graph
        print(z, z.requires_grad)
        try:
            z.backward()
        except RuntimeError as e:
            print("RuntimeError:", e)

        with torch.no_grad():
            y = x ** 2                   # nothing recorded
        print(y.requires_grad, y.grad_fn)
        """,
    ),
    (
        "6. Higher-order derivatives",
        """
        import retrograd as torch

        x = torch.tensor(2.0, requires_grad=True)
        y = x ** 3
        (d1,) = torch.autograd.grad(y, x, create_graph=True)   # 3x² = 12, with a graph
        (d2,) = torch.autograd.grad(d1, x, create_graph=True)  # 6x = 12
        (d3,) = torch.autograd.grad(d2, x)                     # 6
        print(d1, d2, d3, sep="\\n")
        """,
    ),
    (
        "7. Looking at the graph",
        """
        import retrograd as torch

        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        loss = (x.exp() * 2).sum()
        node = loss.grad_fn
        while node is not None:          # walk back to the leaf
            print(node.name())
            node = node.next_functions[0][0] if node.next_functions else None
        """,
    ),
]


def run_step(code: str) -> str:
    """Run one step's program and return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<tour>", "exec"), {"__name__": "__tour__"})
    return out.getvalue()


def main() -> None:
    print("retrograd tour: PyTorch's autograd, step by step\n")
    for title, code in STEPS:
        code = textwrap.dedent(code).strip() + "\n"
        print(f"== {title} ==")
        print(textwrap.indent(code, "    "))
        print("output:")
        print(textwrap.indent(run_step(code), "    "))
