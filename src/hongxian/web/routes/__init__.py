"""Route modules: auth (login, users), home (overview, reports), findings, audit, selfcheck, api."""
