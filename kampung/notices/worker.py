"""`kampung worker`: runs background tasks and the schedules, on whichever backend
settings.TASKS names (the database by default; RQ over Redis with TASKS_BACKEND=rq).

One loop, the same for both: say it is alive (WorkerBeat, read by /healthz), run the
schedules that are due, then run every task that is ready (the backend's own worker in
burst mode), then wait a moment. Several workers may run at once: schedules are claimed,
tasks are claimed by their backend."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from kampung.notices import jobs
from kampung.notices.models import WorkerBeat

log = logging.getLogger("kampung.worker")


def backend_kind() -> str:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq"):
        return "rq"
    if backend.startswith("django_tasks_db"):
        return "database"
    return "immediate"


def beat(worker_id: str, kind: str) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id, defaults={"backend": kind, "seen_at": timezone.now()}
    )


def run_ready_tasks(kind: str, worker_id: str) -> None:
    if kind == "database":
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
    elif kind == "rq":
        import django_rq
        from django_tasks_rq.backend import Job

        queues = django_rq.queues.get_queues("default", job_class=Job)
        worker = django_rq.workers.get_worker(
            *[q.name for q in queues], job_class=Job, worker_class="rq.worker.SimpleWorker"
        )
        worker.work(burst=True, with_scheduler=True, logging_level="WARNING")


class Stop:
    def __init__(self) -> None:
        self.stopping = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.stop)

    def stop(self, signum, frame) -> None:
        log.info("worker stopping", extra={"signal": signum})
        self.stopping = True


def run(
    *,
    once: bool = False,
    interval: float = 2.0,
    worker_id: str | None = None,
    schedules: bool = True,
) -> None:
    kind = backend_kind()
    worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{get_random_string(6)}"
    stop = None if once else Stop()
    log.info("worker started", extra={"worker_id": worker_id, "backend": kind})
    while True:
        close_old_connections()
        beat(worker_id, kind)
        for line in jobs.tick() if schedules else []:
            log.info("scheduled job ran", extra={"job": line.split(":", 1)[0]})
        run_ready_tasks(kind, worker_id)
        close_old_connections()
        if once or (stop is not None and stop.stopping):
            break
        time.sleep(interval)
    WorkerBeat.objects.filter(worker_id=worker_id).delete()
