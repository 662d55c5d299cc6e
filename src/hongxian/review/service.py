"""The review service: the one API the CLI, the web UI and the reports call.

Every method that shows or changes finding content checks the user's role (`roles.can`) and
writes the audit log in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher

from hongxian.case import load_case_config
from hongxian.review import (
    audit,
    auth,
    casedata,
    checkpoint,
    decide,
    detail,
    dossiers,
    queries,
    runs,
    suppress,
)
from hongxian.review.casedata import CaseFacts
from hongxian.review.detail import Decision, FindingDetail
from hongxian.review.dossier import Dossier
from hongxian.review.errors import AuthError, ConflictError, NotFound, PermissionDenied, ReviewInputError
from hongxian.review.queries import FindingFilter, FindingRow, Page
from hongxian.review.roles import (  # noqa: F401  (role constants re-exported for callers)
    ADMIN,
    DECIDE,
    EXPORT,
    INVESTIGATOR,
    LIST_FINDINGS,
    MANAGE_USERS,
    READONLY,
    REPORT,
    REVEAL,
    REVIEWER,
    ROLE_ZH,
    ROLES,
    SUPPRESS,
    VIEW_AUDIT,
    VIEW_FINDING,
    User,
    can,
    parse_role,
    require,
)
from hongxian.review.runs import ClearExcerpts, RunSummary
from hongxian.review.stats import CaseStats, case_stats, load_details
from hongxian.review.suppress import SuppressedCount, Suppression
from hongxian.schema import Finding
from hongxian.settings import Settings
from hongxian.store.engine import CaseStore, open_case_store, resolve_url
from hongxian.store.models import UserRow

ANALYZE_AFTER = 5000
"""Refresh planner statistics after an import that changed at least this many findings."""

__all__ = [
    "ADMIN",
    "INVESTIGATOR",
    "READONLY",
    "REVIEWER",
    "ROLES",
    "ROLE_ZH",
    "AuthError",
    "CaseStats",
    "ConflictError",
    "Decision",
    "FindingDetail",
    "FindingFilter",
    "FindingRow",
    "Page",
    "PermissionDenied",
    "ReviewInputError",
    "ReviewService",
    "RunSummary",
    "Suppression",
    "User",
    "can",
    "open_store",
]


def open_store(case_dir: Path, settings: Settings) -> CaseStore:
    """Open (creating and migrating as needed) the store of a case; raises CaseError without case.toml."""
    config = load_case_config(Path(case_dir))
    url = resolve_url(Path(case_dir), settings.database_url)
    return open_case_store(url, config.case.id, config.case.title)


NO_USERS_HINT = (
    "审查库中还没有任何用户。请先创建用户：hongxian user add 案件目录 用户名 --role 审查员 "
    "--password-stdin（角色：管理员、审查员、调查员、只读）"
)


class ReviewService:
    def __init__(
        self,
        store: CaseStore,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
        case_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.case_dir = case_dir  # where audit checkpoints and their key live (None: no checkpoints)
        self.settings = settings
        self.case_id = store.case_id
        self._clock = clock or (lambda: datetime.now(UTC))
        self._hasher = hasher or PasswordHasher()
        self.throttle = auth.LoginThrottle()

    def now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def _audit(
        self,
        session,
        actor: str,
        action: str,
        target: str = "",
        detail_: dict | None = None,
        case: bool = True,
    ) -> None:
        audit.append(session, self.case_id if case else None, actor, action, target, detail_, now=self.now())

    # ------------------------------------------------------------------ runs

    def record_run(
        self,
        findings: Iterable[Finding],
        rulebook_version: str,
        params: dict,
        input_hashes: Mapping[str, str],
        *,
        actor: str = "system",
        clear_excerpts: ClearExcerpts | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> RunSummary:
        """Import one screening run in a single transaction (all or nothing)."""
        with self.store.write() as s:
            summary = runs.import_run(
                s,
                self.case_id,
                findings,
                rulebook_version=rulebook_version,
                params=params,
                input_hashes=input_hashes,
                actor=actor,
                now=self.now(),
                clear_excerpts=clear_excerpts,
                progress=progress,
            )
        if summary.new + summary.updated + summary.reopened >= ANALYZE_AFTER:
            self.store.analyze()
        return summary

    # ------------------------------------------------------------------ queue and detail

    def list_findings(
        self,
        user: User,
        filters: FindingFilter | None = None,
        sort: str = "severity",
        page: int = 1,
        per_page: int = 50,
    ) -> Page[FindingRow]:
        require(user, LIST_FINDINGS)
        with self.store.read() as s:
            return queries.list_page(
                s, self.case_id, filters or FindingFilter(), sort, page, per_page, self.now()
            )

    def get_finding(self, user: User, finding_id: str, facts: CaseFacts | None = None) -> FindingDetail:
        """The finding with masked evidence (and masked case facts when given); the view is audited."""
        require(user, VIEW_FINDING)
        with self.store.write() as s:
            d = detail.load_detail(s, self.case_id, finding_id, reveal=False)
            self._audit(s, user.name, "view", f"finding:{finding_id}")
        if facts is not None:
            d = replace(d, facts=facts.evidence(((e.table, e.id) for e in d.evidence), clear=False))
        return d

    def reveal(
        self, user: User, finding_id: str, reason: str, facts: CaseFacts | None = None
    ) -> FindingDetail:
        """Clear excerpts where stored and the clear case data behind the evidence (调查员 only).

        The clear text is read from the case data now and never stored; the audit entry records the
        reason, which rows were shown in clear and a digest of exactly what was shown."""
        require(user, REVEAL)
        if not reason or not reason.strip():
            raise ReviewInputError("查看未脱敏信息必须填写理由")
        with self.store.write() as s:
            d = detail.load_detail(s, self.case_id, finding_id, reveal=True)
            clear = facts.evidence(((e.table, e.id) for e in d.evidence), clear=True) if facts else {}
            d = replace(d, facts=clear)
            shown = [f"{t}:{i}" for t, i in clear] + [f"{e.table}:{e.id}" for e in d.evidence if e.revealed]
            self._audit(
                s,
                user.name,
                "reveal",
                f"finding:{finding_id}",
                {
                    "reason": reason.strip(),
                    "clear_excerpts": sum(e.has_clear for e in d.evidence),
                    "clear_rows": len(clear),
                    "shown": sorted(set(shown))[:200],
                    "digest": casedata.digest(clear.values()),
                },
            )
            return d

    def decide(
        self, user: User, finding_id: str, status: str, reason: str | None, expected_version: int
    ) -> Decision:
        """Set the status (待审/确认/排除/上报 or their codes); raises ConflictError if the version moved."""
        require(user, DECIDE)
        code, text = decide.validate(status, reason)
        with self.store.write() as s:
            result = decide.record(
                s, self.case_id, user, finding_id, code, text, expected_version, self.now()
            )
        if isinstance(result, ConflictError):
            raise result
        return result

    # ------------------------------------------------------------------ suppressions

    def suppress(
        self,
        user: User,
        check_id: str,
        reason: str,
        *,
        expires_at: datetime | None = None,
        days: int | None = None,
        subject_kind: str | None = None,
        subject_id: str | None = None,
    ) -> Suppression:
        """Hide findings of a check (optionally one subject) from the queue until the expiry."""
        require(user, SUPPRESS)
        if expires_at is None:
            if not days or days < 1:
                raise ReviewInputError("屏蔽规则必须设定有效期（天数 ≥ 1 或到期时间）")
            expires_at = self.now() + timedelta(days=days)
        with self.store.write() as s:
            rule = suppress.create(
                s,
                self.case_id,
                check_id=check_id,
                subject_kind=subject_kind,
                subject_id=subject_id,
                reason=reason,
                expires_at=expires_at.astimezone(UTC),
                actor=user.name,
                now=self.now(),
            )
            self._audit(
                s,
                user.name,
                "suppress",
                f"suppression:{rule.id}",
                {
                    "check_id": check_id,
                    "subject_kind": subject_kind,
                    "subject_id": subject_id,
                    "reason": rule.reason,
                    "expires_at": rule.expires_at.isoformat(),
                },
            )
            return rule

    def revoke_suppression(self, user: User, suppression_id: int) -> Suppression:
        require(user, SUPPRESS)
        with self.store.write() as s:
            rule = suppress.revoke(s, self.case_id, suppression_id, user.name, self.now())
            self._audit(s, user.name, "unsuppress", f"suppression:{suppression_id}")
            return rule

    def suppressions_for(self, user: User, finding_id: str) -> list[Suppression]:
        """The active rules hiding this finding (reason, who, expiry) for its detail page."""
        require(user, VIEW_FINDING)
        with self.store.read() as s:
            row = detail.get_stored(s, self.case_id, finding_id)
            return suppress.matching(
                s, self.case_id, row.check_id, row.subject_kind, row.subject_id, self.now()
            )

    def suppressed_counts(self, user: User) -> list[SuppressedCount]:
        """Active rules with the number of findings each hides now (reports print them)."""
        require(user, REPORT)
        with self.store.read() as s:
            return suppress.counts(s, self.case_id, self.now())

    def suppressions(self, user: User) -> list[Suppression]:
        require(user, SUPPRESS)
        with self.store.read() as s:
            return suppress.listing(s, self.case_id)

    # ------------------------------------------------------------------ dossiers

    def dossier_index(
        self, user: User, facts: CaseFacts | None = None, page: int = 1
    ) -> tuple[list[dossiers.DossierEntry], int]:
        """One page of subjects with findings (most severe first) and the number of subjects."""
        require(user, LIST_FINDINGS)
        with self.store.read() as s:
            return dossiers.index(s, self.case_id, self.now(), facts, page)

    def dossier(
        self, user: User, key: str, facts: CaseFacts | None = None, *, audited: bool = True
    ) -> Dossier:
        """One subject's dossier (masked); the view is audited unless it only feeds the charts of a
        finding page whose own view is (``audited=False``)."""
        require(user, VIEW_FINDING)
        with self.store.write() if audited else self.store.read() as s:
            d = dossiers.one(s, self.case_id, key, self.now(), facts)
            if d is None:
                raise NotFound(f"对象 {key} 没有线索")
            if audited:
                self._audit(s, user.name, "view", f"dossier:{key}", {"findings": len(d.findings)})
            return d

    # ------------------------------------------------------------------ reports and audit

    def report_findings(
        self,
        user: User,
        person: str | None = None,
        filters: FindingFilter | None = None,
        sort: str = "severity",
    ) -> list[FindingDetail]:
        """Masked findings for a report (suppressed ones left out); audited as a report."""
        require(user, REPORT)
        base = filters or FindingFilter()
        flt = FindingFilter(**{**base.__dict__, "person": person or base.person})
        with self.store.write() as s:
            ids = queries.iter_ids(s, self.case_id, flt, sort, self.now())
            out = load_details(s, self.case_id, ids)
            self._audit(
                s, user.name, "report", f"person:{person}" if person else "case", {"findings": len(out)}
            )
            return out

    def log_export(
        self, user: User, kind: str, target: str, detail_: dict | None = None
    ) -> checkpoint.Checkpoint | None:
        """Record an export (report file, spreadsheet, …) in the audit log; returns the signed
        checkpoint taken after it (`audit_checkpoint`)."""
        require(user, EXPORT)
        with self.store.write() as s:
            self._audit(s, user.name, "export", target, {"kind": kind, **(detail_ or {})})
        return self.audit_checkpoint()

    def audit_checkpoint(self) -> checkpoint.Checkpoint | None:
        """Sign the chain's head with the case key and append it to the case's checkpoint log
        (`review.checkpoint`); None when this service has no case folder."""
        if self.case_dir is None:
            return None
        with self.store.read() as s:
            return checkpoint.take_and_record(s, self.case_id, self.case_dir, self.now())

    def stats(self, user: User) -> CaseStats:
        if not (can(user, LIST_FINDINGS) or can(user, REPORT)):
            raise PermissionDenied(f"{user.name}（{user.role_label}）无权查看案件统计")
        with self.store.read() as s:
            return case_stats(s, self.case_id, self.now())

    def audit_entries(self, user: User, page: int = 1, per_page: int = 100) -> Page[audit.AuditEntry]:
        require(user, VIEW_AUDIT)
        with self.store.read() as s:
            items, total = audit.entries(s, self.case_id, page, per_page)
        return Page(items=items, total=total, page=page, per_page=per_page)

    def verify_audit(self, given: Iterable[str] = ()) -> audit.VerifyResult:
        """The hash chain, then the chain against every recorded checkpoint and the ``given`` ones."""
        with self.store.read() as s:
            return checkpoint.verify_anchored(s, self.case_id, self.case_dir, given)

    # ------------------------------------------------------------------ users and sessions

    def has_users(self) -> bool:
        with self.store.read() as s:
            return s.query(UserRow.id).first() is not None

    def add_user(self, name: str, role: str, password: str, *, actor: User | None = None) -> User:
        """Create a user (role code or Chinese name). With ``actor`` the actor must be 管理员;
        without one the caller vouches (CLI bootstrap of the first account, tests)."""
        if actor is not None:
            require(actor, MANAGE_USERS)
        code = parse_role(role)
        with self.store.write() as s:
            user = auth.create_user(s, self._hasher, name.strip(), code, password, self.now())
            self._audit(
                s,
                actor.name if actor else "system",
                "user_add",
                f"user:{user.name}",
                {"role": code},
                case=False,
            )
            return user

    def list_users(self, actor: User) -> list[tuple[User, bool]]:
        require(actor, MANAGE_USERS)
        with self.store.read() as s:
            rows = s.query(UserRow).order_by(UserRow.id).all()
            return [(User(r.id, r.name, r.role), r.disabled) for r in rows]

    def set_user_disabled(self, actor: User, name: str, disabled: bool) -> None:
        require(actor, MANAGE_USERS)
        with self.store.write() as s:
            row = s.query(UserRow).filter(UserRow.name == name).one_or_none()
            if row is None:
                raise ReviewInputError(f"用户“{name}”不存在")
            row.disabled = disabled
            self._audit(
                s, actor.name, "user_disable" if disabled else "user_enable", f"user:{name}", case=False
            )

    def authenticate(self, name: str, password: str, address: str | None = None) -> User | None:
        """The user, or None for a wrong name/password or a disabled account; both are audited.

        Raises `auth.LoginThrottled` (audited too) while the account or the client ``address`` is
        locked after repeated failures (`auth.LoginThrottle`)."""
        now = self.now()
        try:
            self.throttle.check(name, address, now)
        except auth.LoginThrottled as exc:
            with self.store.write() as s:
                locked = {"scope": exc.scope, "retry_after": exc.retry_after, "address": address}
                self._audit(s, name, "login_throttled", f"user:{name}", locked, case=False)
            raise
        with self.store.write() as s:
            user = auth.check_login(s, self._hasher, name, password)
            seen_from = {"address": address} if address else None
            self._audit(s, name, "login" if user else "login_failed", f"user:{name}", seen_from, case=False)
        if user is None:
            self.throttle.failed(name, address, now)
        else:
            self.throttle.succeeded(name, address)
        return user

    def login(self, name: str, password: str) -> User:
        user = self.authenticate(name, password)
        if user is None and not self.has_users():
            raise AuthError(NO_USERS_HINT)
        if user is None:
            raise AuthError("用户名或密码错误，或账号已停用")
        return user

    def create_session(self, user: User) -> str:
        with self.store.write() as s:
            return auth.new_session(s, user, self.now(), self.settings.session_minutes)

    def session_user(self, token: str | None) -> User | None:
        """The user of a live session; None when unknown, ended or expired."""
        with self.store.read() as s:
            return auth.user_for_token(s, token or "", self.now())

    def end_session(self, token: str) -> None:
        with self.store.write() as s:
            user = auth.user_for_token(s, token, self.now())
            if auth.end(s, token, self.now()) and user:
                self._audit(s, user.name, "logout", f"user:{user.name}", case=False)

    @staticmethod
    def csrf_token(session_token: str) -> str:
        return auth.csrf_for(session_token)

    @staticmethod
    def check_csrf(session_token: str | None, value: str | None) -> bool:
        import hmac

        if not session_token or not value:
            return False
        return hmac.compare_digest(auth.csrf_for(session_token), value)
