"""Web UI (FastAPI + Jinja2, zh-CN): login, case overview, triage, finding detail, audit log, self-check.

`create_app(case_dir, settings)` builds the application; everything it needs (the review service,
settings, rulebook, self-checker) lives on ``app.state`` — no module globals.
"""

from hongxian.web.app import create_app

__all__ = ["create_app"]
