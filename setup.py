"""The compiled kernel of the learned text scorer; everything else about the package is in pyproject.toml.

Kept here rather than as ``[tool.setuptools.ext-modules]`` in pyproject.toml, which setuptools still
calls experimental. The install builds it with the system C compiler (gcc on Debian).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "hongxian.detect.text.learned._kernel",
            sources=["src/hongxian/detect/text/learned/_kernel.c"],
            extra_compile_args=["-O3"],
        )
    ]
)
