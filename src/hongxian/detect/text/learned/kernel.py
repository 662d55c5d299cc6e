"""The compiled kernel of the learned scorer (`_kernel.c`, built when the package is installed), or None
when it was installed without a C compiler — then the numpy paths compute the same arrays."""

from __future__ import annotations

try:
    from hongxian.detect.text.learned import _kernel as KERNEL
except ImportError:  # pragma: no cover - installed without a C compiler
    KERNEL = None  # type: ignore[assignment]
