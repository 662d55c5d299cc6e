"""The text detectors as plug-ins: secrecy, privacy, commerce, gambling and canvassing.

All five share one batch (``Detector.batch = "text"``): screen calls `run_text_checks` once with every
text check, so every keyword of every check is in one automaton and each message is scanned once.
"""

from __future__ import annotations

from hongxian.detect.base import BoundCheck, DetectContext, Detector, DetectorRegistry
from hongxian.detect.text.engine import DEFAULT_BACKEND
from hongxian.detect.text.spec import TextSpec
from hongxian.detect.text.specs import SPECS
from hongxian.schema import Finding


def run_text_checks(
    ctx: DetectContext,
    bound: list[BoundCheck],
    specs: dict[str, TextSpec] = SPECS,
    backend: str = DEFAULT_BACKEND,
) -> list[Finding]:
    """Every text check in `bound` over the dataset's messages and the text of their attachments →
    findings per (check, subject)."""
    from hongxian.detect.text.aggregate import build_findings
    from hongxian.detect.text.attachments import scan_attachments
    from hongxian.detect.text.batches import scan_messages
    from hongxian.detect.text.env import TextEnv
    from hongxian.detect.text.suite import CompiledSuite
    from hongxian.pii import AddressLocator

    env = TextEnv.from_dataset(ctx.dataset)
    suite = CompiledSuite.build(
        bound, specs, known_names=env.known_names(), backend=backend, locator=AddressLocator()
    )
    hits = scan_messages(suite, ctx.dataset["messages"], env)
    hits += scan_attachments(suite, ctx.dataset["attachments"], ctx.dataset["messages"], env)
    return build_findings(ctx, suite, hits, env)


def _run(ctx: DetectContext, bound: list[BoundCheck]) -> list[Finding]:
    return run_text_checks(ctx, bound)


def make_detector(spec: TextSpec) -> Detector:
    return Detector(
        name=spec.name,
        params_model=spec.params_model,
        needs=("messages",),
        run=_run,
        description=spec.description,
        batch="text",
    )


def register(registry: DetectorRegistry) -> None:
    for spec in SPECS.values():
        registry.register(make_detector(spec))
