from tests.store.backends import clock, db_url, pg_template, service, settings, users  # noqa: F401
