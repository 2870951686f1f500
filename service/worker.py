"""Durable jobs: a worker thread claims jobs from the database with a lease and runs them to the end.

A worker killed mid-job (kill -9, power loss) stops renewing its lease; when the lease runs out any
worker takes the job again, and the conversation is stored once because it is keyed by the audio's
sha256. `dealwise serve` runs one worker in-process; `dealwise worker` adds more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from service import crud
from service.models import Job
from service.runtime import Runtime

log = logging.getLogger("dealwise.worker")

JobHandler = Callable[[Runtime, Job], str]
HANDLERS: dict[str, JobHandler] = {}


def handler(kind: str):
    def add(function: JobHandler) -> JobHandler:
        HANDLERS[kind] = function
        return function

    return add


@handler("transcribe")
def transcribe_job(runtime: Runtime, job: Job) -> str:
    """Transcribe the uploaded recording, analyse it when it has both roles, store it; returns its id."""
    from agent.pii import mask_structure
    from behavior import AnalysisError
    from speech import TranscribeOptions, transcribe

    settings, params = runtime.settings, job.params or {}
    options = TranscribeOptions(
        language=params.get("language", settings.language),
        stereo=params.get("stereo"),
        speakers=params.get("speakers", 2),
        engine=settings.asr_engine,
        engine_config=settings.engine_config(),
    )
    conversation = transcribe(Path(job.input_path), options)
    conversation.metadata.update({key: params[key] for key in ("rep",) if key in params})
    if "outcome" in params:
        conversation.outcome = params["outcome"]
    try:
        analysis = runtime.analyze(conversation)
        stored = analysis.pop("conversation")
    except AnalysisError:  # e.g. only one voice: the transcript is still worth keeping
        analysis, stored = None, mask_structure(conversation.model_dump(mode="json"))
    with runtime.session() as session:
        record = crud.add_conversation(session, job.tenant_id, stored, analysis, audio_sha256=job.input_sha256)
        runtime.note_outcome(record, session)
        return record.id


class JobWorker:
    def __init__(self, runtime: Runtime, *, poll_s: float = 1.0, max_attempts: int = 3):
        self.runtime, self.poll_s, self.max_attempts = runtime, poll_s, max_attempts
        self.lease = timedelta(seconds=runtime.settings.job_lease_s)
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="dealwise-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the worker
                log.exception("job loop error")
                busy = False
            if not busy:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def run_once(self) -> bool:
        """Claim and run one job; False when there was nothing to do."""
        with self.runtime.sessions() as session:
            crud.fail_exhausted_jobs(session, self.max_attempts)
            job = crud.claim_job(session, self.lease, self.max_attempts)
        if job is None:
            return False
        log.info("job start", extra={"job_id": job.id, "kind": job.kind, "attempt": job.attempts})
        renewing = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(job.id, renewing), daemon=True)
        renewer.start()
        conversation_id, error = None, None
        try:
            conversation_id = HANDLERS[job.kind](self.runtime, job)
        except ValueError as failure:  # bad input (unreadable audio, ...): the message is for the user
            error = str(failure)
        except Exception as failure:  # noqa: BLE001 - recorded on the job, never lost
            log.exception("job failed", extra={"job_id": job.id})
            error = f"{type(failure).__name__}: {failure}"
        finally:
            renewing.set()
            renewer.join()
        with self.runtime.sessions() as session:
            crud.finish_job(session, job.id, conversation_id=conversation_id, error=error)
        self.runtime.metrics.jobs.labels(job.kind, "failed" if error else "done").inc()
        log.info("job end", extra={"job_id": job.id, "status": "failed" if error else "done"})
        return True

    def _renew(self, job_id: str, done: threading.Event) -> None:
        while not done.wait(self.lease.total_seconds() / 3):
            with self.runtime.sessions() as session:
                crud.renew_lease(session, job_id, self.lease)
