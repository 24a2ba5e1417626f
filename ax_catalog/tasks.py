"""Celery hooks of the catalogue. Worker processes load the search analyser when they start, never in
a first task (prefork children load their own: the analyser's threads do not survive a fork)."""

from celery.signals import worker_init, worker_process_init

from ax_catalog import search


@worker_process_init.connect
def _warm_child(**kwargs) -> None:
    search.warm_up_at_start()


@worker_init.connect
def _warm_worker(sender=None, **kwargs) -> None:
    # solo and thread pools run tasks in the worker process itself; prefork children warm themselves.
    pool = getattr(getattr(sender, "pool_cls", None), "__module__", "") or ""
    if "prefork" not in pool:
        search.warm_up_at_start()
