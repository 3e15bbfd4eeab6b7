"""Both task backends, for the tests that run real background work: the database
backend (the default) and RQ over Redis (skipped, with the reason, where no Redis
answers on 127.0.0.1:6379)."""

from __future__ import annotations

import pytest
from django.test import override_settings

REDIS = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(params=["database", "rq"])
def tasks_backend(request):
    """Settings for one backend; yields its name. RQ uses Redis database 15, emptied."""
    if request.param == "database":
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
        ):
            yield "database"
        return
    if not _redis_answers():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI runs it): RQ backend not tested")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS, "DEFAULT_TIMEOUT": 60}},
    ):
        yield "rq"
    redis.Redis.from_url(REDIS).flushdb()


@pytest.fixture
def run_worker():
    """One round of `kampung worker`: every ready task (and the due schedules if asked)."""
    from kampung.notices import worker

    def _run(schedules: bool = False):
        worker.run(once=True, worker_id="test-worker", schedules=schedules)

    return _run


class FailingEmailBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server is down")
