"""Group detectors: 老乡会-style networks, the work-group register, unreported official accounts."""

from __future__ import annotations

from hongxian.detect.groups import account, association, workgroup

PLUGINS = (association, workgroup, account)
