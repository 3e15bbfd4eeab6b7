"""GET /healthz: for load balancers and uptime checks. No login, no personal data: the
states of the database, the cache and the task queue, and how old the oldest waiting
task is. 200 when all is well, 503 otherwise (naming what is wrong)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kampung.notices.models import WorkerBeat
from kampung.notices.worker import backend_kind


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not healthy", never a 500
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _cache() -> dict:
    try:
        cache.set("kampung:healthz", "1", 30)
        ok = cache.get("kampung:healthz") == "1"
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": ok}


def _oldest_queued_task(kind: str, now) -> float | None:
    """Seconds the oldest ready task has waited (None when nothing waits)."""
    if kind == "database":
        from django_tasks_db.models import DBTaskResult

        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
        ).first()
        return (now - oldest).total_seconds() if oldest else None
    if kind == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        job_ids = queue.get_job_ids(0, 0)
        if not job_ids:
            return None
        job = queue.fetch_job(job_ids[0])
        if job is None or job.enqueued_at is None:
            return None
        enqueued = job.enqueued_at
        if timezone.is_naive(enqueued):
            enqueued = timezone.make_aware(enqueued, timezone.utc)
        return (now - enqueued).total_seconds()
    return None


def _tasks(now) -> dict:
    kind = backend_kind()
    state: dict = {"backend": kind}
    try:
        beat = WorkerBeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        state["worker_seen_seconds_ago"] = round((now - beat).total_seconds(), 1) if beat else None
        oldest = _oldest_queued_task(kind, now)
        state["oldest_queued_task_seconds"] = round(oldest, 1) if oldest is not None else None
    except Exception as exc:
        state.update(ok=False, error=type(exc).__name__)
        return state
    problems = []
    if kind != "immediate":
        if beat is None:
            problems.append("no worker has run")
        elif state["worker_seen_seconds_ago"] > settings.KAMPUNG_WORKER_STALE_SECONDS:
            problems.append("the worker has not run for too long")
    if oldest is not None and oldest > settings.KAMPUNG_QUEUE_STALE_SECONDS:
        problems.append("tasks are waiting too long")
    state["ok"] = not problems
    if problems:
        state["problems"] = problems
    return state


# HEAD too: some uptime checkers only ask for the headers.
@never_cache
@require_safe
def healthz(request):
    now = timezone.now()
    checks = {"database": _database(), "cache": _cache()}
    checks["tasks"] = _tasks(now) if checks["database"]["ok"] else {"ok": False}
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
    )
