"""Hit selection for engines that scan messages in parts (the Spark engine's ``mapInArrow``).

`TextSelector` compiles a case's text checks once (one automaton, the case's names and groups) and
tells which messages of a batch produce at least one hit. Each message is evaluated on its own
(its text, its metadata, the case's registers), so running `run_text_checks` afterwards on only the
selected messages gives exactly the findings of a run over every message: same hits, same
aggregation per (check, subject), same evidence and explanations. Messages that carried a file with
text (the case's ``attachments``) are always selected: the attachment's hits are evidence on them.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from hongxian.dataset.dataset import Dataset
from hongxian.detect.base import BoundCheck
from hongxian.detect.text.batches import scan_messages
from hongxian.detect.text.engine import DEFAULT_BACKEND
from hongxian.detect.text.env import TextEnv
from hongxian.detect.text.specs import SPECS
from hongxian.detect.text.suite import CompiledSuite


class TextSelector:
    """The text checks in `bound`, compiled for the case whose registers `registers` holds."""

    def __init__(self, registers: Dataset, bound: list[BoundCheck]):
        from hongxian.pii import AddressLocator

        self.env = TextEnv.from_dataset(registers)
        carried = registers["attachments"] if "attachments" in registers.tables else None
        self.carriers = (
            pc.unique(pc.drop_null(carried.column("message_id")))
            if carried is not None and carried.num_rows
            else pa.array([], pa.string())
        )
        self.suite = CompiledSuite.build(
            bound,
            SPECS,
            known_names=self.env.known_names(),
            backend=DEFAULT_BACKEND,
            locator=AddressLocator(),
        )

    def hit_mask(self, messages: pa.Table) -> pa.ChunkedArray | pa.Array:
        """Boolean mask over `messages` (canonical schema): True where a message produces a hit."""
        hits = scan_messages(self.suite, messages, self.env)
        ids = pa.array(sorted({h.meta.message_id for h in hits if h.meta is not None}), pa.string())
        hit = pc.is_in(messages.column("message_id"), value_set=ids)
        return pc.or_(hit, pc.is_in(messages.column("message_id"), value_set=self.carriers))
