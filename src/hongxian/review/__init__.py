"""Review: finding lifecycle, suppressions, roles, users and sessions, and the audit log.

The public API is `hongxian.review.service` (`open_store`, `ReviewService`, …), re-exported here.
"""

from hongxian.review.audit import AuditEntry, VerifyResult
from hongxian.review.detail import Decision, EvidenceView, FindingDetail
from hongxian.review.errors import (
    AuthError,
    ConflictError,
    NotFound,
    PermissionDenied,
    ReviewError,
    ReviewInputError,
)
from hongxian.review.queries import FindingFilter, FindingRow, Page
from hongxian.review.roles import (
    ADMIN,
    INVESTIGATOR,
    READONLY,
    REVIEWER,
    ROLE_ZH,
    ROLES,
    User,
    can,
    parse_role,
)
from hongxian.review.runs import RunSummary
from hongxian.review.service import ReviewService, open_store
from hongxian.review.stats import CaseStats
from hongxian.review.status import CONFIRMED, DISMISSED, ESCALATED, PENDING, STATUS_ZH, STATUSES, parse_status
from hongxian.review.suppress import Suppression

__all__ = [
    "ADMIN",
    "CONFIRMED",
    "DISMISSED",
    "ESCALATED",
    "INVESTIGATOR",
    "PENDING",
    "READONLY",
    "REVIEWER",
    "ROLES",
    "ROLE_ZH",
    "STATUSES",
    "STATUS_ZH",
    "AuditEntry",
    "AuthError",
    "CaseStats",
    "ConflictError",
    "Decision",
    "EvidenceView",
    "FindingDetail",
    "FindingFilter",
    "FindingRow",
    "NotFound",
    "Page",
    "PermissionDenied",
    "ReviewError",
    "ReviewInputError",
    "ReviewService",
    "RunSummary",
    "Suppression",
    "User",
    "VerifyResult",
    "can",
    "open_store",
    "parse_role",
    "parse_status",
]
