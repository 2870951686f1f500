"""The FastAPI application: `create_app()` wires the runtime, the routes and the error contract.

Error contract: bad input is always a 4xx with a message that says what is wrong (422 for schema and
field errors, 415 unsupported media, 413 too large, 404 unknown or another tenant's ids); a 500 means a
bug, and its body never leaks a traceback.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from conversation import Conversation
from service.api.routes import agent, conversations, health, integrations, kb, live, objections, pages, reports, suggestions
from service.config import Settings, get_settings
from service.runtime import Runtime
from service.worker import JobWorker

log = logging.getLogger("dealwise.service")
access = logging.getLogger("dealwise.access")

ROUTERS = (
    health.router, conversations.router, objections.router, kb.router, suggestions.router, live.router, reports.router,
    agent.router, pages.router, integrations.router,
)


def create_app(settings: Settings | None = None, *, worker: bool = True) -> FastAPI:
    runtime = Runtime(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if worker:
            app.state.worker = JobWorker(runtime)
            app.state.worker.start()
        yield
        if worker:
            app.state.worker.stop()

    app = FastAPI(
        title="dealwise",
        version="0.1.0",
        summary="Conversation intelligence and AI sales agent: transcripts, behavior DNA, playbook retrieval, gated actions.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.worker = None
    for router in ROUTERS:
        app.include_router(router)
    pages.mount_static(app)

    @app.middleware("http")
    async def record_metrics(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        runtime.metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        elapsed = time.perf_counter() - started
        runtime.metrics.latency.labels(request.method, path).observe(elapsed)
        access.info(
            "request", extra={"method": request.method, "route": path, "status": response.status_code, "duration_ms": round(elapsed * 1000, 1)}
        )
        return response

    @app.exception_handler(ValueError)
    async def user_error(_request: Request, error: ValueError) -> JSONResponse:
        # The packages raise ValueError subclasses whose message is meant for the user.
        return JSONResponse({"detail": str(error)}, status_code=status.HTTP_422_UNPROCESSABLE_ENTITY)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse({"detail": f"internal error ({type(error).__name__}); it has been logged"}, status_code=500)

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict:
    """The generated schema plus the Conversation model, which POST /v1/conversations reads from the raw body."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        conversation = Conversation.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(conversation.pop("$defs", {}))
        components["Conversation"] = conversation
        app.openapi_schema = schema
    return app.openapi_schema
