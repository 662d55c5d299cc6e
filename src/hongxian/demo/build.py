"""Write the bundled synthetic demo case: registers + exports in every real format we read."""

from __future__ import annotations

import shutil
from pathlib import Path

from hongxian.demo import attachments, bills, chats
from hongxian.demo.numbers import PaymentIds
from hongxian.demo.population import build_population
from hongxian.demo.registers import write_registers

SEED = 2016


def write_demo_case(out: Path, seed: int = SEED) -> Path:
    """Create (or replace) the demo case folder at ``out``; returns it.

    Built in a sibling temp folder and moved into place, so a failure never leaves half a case.
    A non-empty folder that is not a case folder is never overwritten.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / "case.toml").is_file():
        raise FileExistsError(f"{out} 已存在且不是案件目录，拒绝覆盖")
    tmp = out.with_name(out.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "exports").mkdir(parents=True)
    try:
        _write(tmp, seed)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def _write(root: Path, seed: int) -> None:
    pop = build_population(seed)
    ids = PaymentIds(pop.rng)
    village_bill = chats.village_election(pop, ids, root)
    chats.association_group(pop, ids, root)
    head_bill = chats.bureau_workgroups(pop, ids, root)
    chats.gambling_group(pop, ids, root)
    chats.township_exports(pop, ids, root)
    bills.grain_station_bill(pop, ids, root)
    bills.village_bill(pop, village_bill, root)
    bills.bureau_head_bills(pop, ids, head_bill, root)
    write_registers(pop, root, chats.ROOMS)
    attachments.staff_computer(pop, ids, root)  # last: the other exports' random draws stay as they were
