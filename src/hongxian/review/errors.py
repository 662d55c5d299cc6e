"""Errors of the review service; messages are Chinese and shown to users as they are."""

from __future__ import annotations


class ReviewError(Exception):
    """Base class: any error the service reports to a user."""


class PermissionDenied(ReviewError):
    """The user's role does not allow the action."""


class AuthError(ReviewError):
    """Wrong user name or password, or a disabled account."""


class ConflictError(ReviewError):
    """Someone else changed the finding since it was read (optimistic version check)."""

    def __init__(self, message: str, current_version: int | None = None, current_status: str | None = None):
        super().__init__(message)
        self.current_version = current_version
        self.current_status = current_status


class NotFound(ReviewError):
    """No such finding, user or suppression in this case."""


class ReviewInputError(ReviewError):
    """Invalid input: unknown status or role, a missing reason, …"""
