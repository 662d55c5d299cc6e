"""Run a command and write its CPU time and peak RSS (JSON) to a file: ``rusage.py OUT CMD...``.

The benchmark starts its timed commands through this small launcher: a process started directly
from a parent that once held a lot of memory (the generator) inherits the parent's high-water RSS
in ``ru_maxrss`` (vfork + exec), which would overstate the command's peak."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main() -> None:
    out, cmd = sys.argv[1], sys.argv[2:]
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}, fh)
    sys.exit(code)


if __name__ == "__main__":
    main()
