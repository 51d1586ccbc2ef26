"""Run an import in a child process, so no long C call of GDAL, SQLite or shapely inside the
import can hold the GUI process's interpreter lock (the map keeps panning, the progress bar
keeps moving). Progress, the result and any error come back through a queue; cancel is an
event the job watches (it aborts the statement running in the register). The import is
one transaction for the whole plan, so a cancelled or killed child leaves the register as
it was: a child that has not stopped ``CANCEL_GRACE_S`` after a cancel is killed.

``confirm_retire=True`` (an option passed to every ``ImportJob``) confirms an import that
retires a large share of an owner's assets; without it such an import fails with
``RetireNotConfirmedError`` and writes nothing (the wizard asks, then runs it again).

No Qt here: the child imports only the importers and the core.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_module
import time
import traceback
from contextlib import nullcontext

from asset_register.errors import CancelledError

CANCEL_GRACE_S = 2.0


def _child(messages, cancel, register: str, plan: list, options: dict) -> None:
    try:
        from asset_register.store import open_register
        from importers.imkl import find_delivery, import_delivery
        from importers.delivery_checks import known_owner_code, one_file_per_layer_name
        from importers.job import ImportJob

        from asset_register.errors import CancelledError

        reports = []
        with open_register(register) as store, \
                store.atomic() if len(plan) > 1 else nullcontext():  # (one job: atomic itself)
            if options.get("owner"):
                known_owner_code(store, options["owner"])
            if len(plan) > 1 and options.get("scope", "network") != "append":
                one_file_per_layer_name([(path, layers) for path, layers, _ in plan
                                         if find_delivery(path) is None])
            for i, (path, layers, profile) in enumerate(plan):
                def progress(f, m, i=i, path=path):
                    messages.put(("progress", (i + f) / len(plan), f"{path.rsplit('/', 1)[-1]}: {m}"))
                # IMKL/KLIC and INSPIRE-UN: always their own reader (the wizard's per-layer
                # profile cannot join links to features); KLIC operators are the owners
                found = find_delivery(path)
                if found is not None:
                    inspire = found.kind == "inspire"
                    # a KLIC delivery's scope is its own (its request area); an INSPIRE-UN
                    # file takes the scope chosen for the owner's files
                    scope = options.get("scope", "network") if inspire else "network"
                    reports += import_delivery(
                        store, path, owner=options.get("owner") if inspire else None,
                        owner_name=options.get("owner_name") if inspire else None,
                        assume_crs=options.get("assume_crs"), dry_run=options.get("dry_run", False),
                        scope=None if scope == "network" else scope,
                        area=options.get("area") if scope == "area" else None,
                        confirm_retire=options.get("confirm_retire", False), progress=progress,
                        cancel=cancel.is_set)
                    continue
                job = ImportJob(store, path, layers=layers, profile=profile, progress=progress,
                                cancel=cancel.is_set, **options)
                reports += job.run()
            if cancel.is_set():  # the last moment before the commit
                raise CancelledError("import cancelled: the register is unchanged")
        if len(plan) > 1:
            messages.put(("progress", 1.0, "committed"))
        messages.put(("done", reports))
    except BaseException as exc:  # sent to the parent's error dialog
        try:
            messages.put(("error", exc, traceback.format_exc()))
        except Exception:
            messages.put(("error", RuntimeError(str(exc)), traceback.format_exc()))


class ChildError(Exception):
    def __init__(self, exc: BaseException, tb: str) -> None:
        super().__init__(str(exc))
        self.exc, self.tb = exc, tb


def run_import(task, register: str, plan: list, **options):
    """Import ``plan`` [(path, layers, profile)] into ``register`` in a child process.

    ``task`` is a ``ui.workers.Task`` (progress / cancelled); returns the LayerReports or
    raises the child's exception.
    """
    ctx = mp.get_context("spawn")
    messages = ctx.Queue()
    cancel = ctx.Event()
    proc = ctx.Process(target=_child, args=(messages, cancel, str(register), plan, options), daemon=True)
    proc.start()
    cancelled_at = None
    try:
        while True:
            if task.cancelled() and cancelled_at is None:
                cancel.set()
                cancelled_at = time.monotonic()
            if cancelled_at is not None and time.monotonic() - cancelled_at > CANCEL_GRACE_S:
                proc.kill()  # stuck in one long call: nothing is committed, the kill is safe
                raise CancelledError("import cancelled: the register is unchanged")
            try:
                msg = messages.get(timeout=0.1)
            except queue_module.Empty:
                if not proc.is_alive():
                    raise RuntimeError(f"the import process stopped unexpectedly (exit code {proc.exitcode}); "
                                       "the register is unchanged") from None
                continue
            if msg[0] == "progress":
                task.progress(msg[1], msg[2])
            elif msg[0] == "done":
                return msg[1]
            else:
                raise ChildError(msg[1], msg[2])
    finally:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
