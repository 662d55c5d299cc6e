"""Roles, actions and the permission matrix (modelled on Purview's Admin / Analyst / Investigator / Viewer).

- 管理员 (admin): users and settings, the audit log; never sees finding content.
- 审查员 (reviewer): the queue with masked evidence; decides and suppresses.
- 调查员 (investigator): as a reviewer, and may reveal personal data (each reveal logged with a reason).
- 只读 (readonly): reports only (masked).
Importing a screening run from the CLI needs 管理员 or 调查员 (the Python API trusts its caller).
"""

from __future__ import annotations

from dataclasses import dataclass

from hongxian.labels import PERMISSION_ZH, ROLE_ZH
from hongxian.review.errors import PermissionDenied, ReviewInputError

ADMIN = "admin"
REVIEWER = "reviewer"
INVESTIGATOR = "investigator"
READONLY = "readonly"
ROLES: tuple[str, ...] = (ADMIN, REVIEWER, INVESTIGATOR, READONLY)

MANAGE_USERS = "manage_users"
MANAGE_SETTINGS = "manage_settings"
LIST_FINDINGS = "list_findings"
VIEW_FINDING = "view_finding"
DECIDE = "decide"
REVEAL = "reveal"
SUPPRESS = "suppress"
VIEW_AUDIT = "view_audit"
REPORT = "report"
EXPORT = "export"
IMPORT_RUN = "import_run"

PERMISSIONS: dict[str, frozenset[str]] = {
    MANAGE_USERS: frozenset({ADMIN}),
    MANAGE_SETTINGS: frozenset({ADMIN}),
    LIST_FINDINGS: frozenset({REVIEWER, INVESTIGATOR}),
    VIEW_FINDING: frozenset({REVIEWER, INVESTIGATOR}),
    DECIDE: frozenset({REVIEWER, INVESTIGATOR}),
    REVEAL: frozenset({INVESTIGATOR}),
    SUPPRESS: frozenset({REVIEWER, INVESTIGATOR}),
    VIEW_AUDIT: frozenset({ADMIN, INVESTIGATOR}),
    REPORT: frozenset({READONLY, REVIEWER, INVESTIGATOR}),
    EXPORT: frozenset({READONLY, REVIEWER, INVESTIGATOR}),
    IMPORT_RUN: frozenset({ADMIN, INVESTIGATOR}),
}
ACTIONS: tuple[str, ...] = tuple(PERMISSIONS)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_ZH.get(self.role, self.role)


def parse_role(text: str) -> str:
    """'审查员' or 'reviewer' → 'reviewer'."""
    value = text.strip()
    for code, label in ROLE_ZH.items():
        if value in (code, label):
            return code
    raise ReviewInputError(f"未知角色“{text}”，应为：{'、'.join(ROLE_ZH.values())}")


def can(user: User | None, action: str) -> bool:
    if user is None:
        return False
    if action not in PERMISSIONS:
        raise KeyError(action)
    return user.role in PERMISSIONS[action]


def require(user: User | None, action: str) -> None:
    if not can(user, action):
        who = f"{user.name}（{user.role_label}）" if user else "未登录用户"
        raise PermissionDenied(f"{who} 无权{PERMISSION_ZH.get(action, action)}")
