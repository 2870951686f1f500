"""`dealwise serve`, `dealwise worker` and `dealwise admin`: run the service and manage tenants and keys."""

from __future__ import annotations

import json

import click

from service.cli_common import user_errors
from service.config import get_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--no-worker", is_flag=True, help="Do not run a job worker in this process (use `dealwise worker`).")
@user_errors
def serve(host: str, port: int, no_worker: bool) -> None:
    """Start the API, the pages and an in-process job worker (uvicorn)."""
    import uvicorn

    from service import logs
    from service.app import create_app

    settings = get_settings()
    log_config = logs.configure(settings.log_format)
    app = create_app(settings, worker=not no_worker)
    click.echo(f"dealwise listening on http://{host}:{port}  (API docs: http://{host}:{port}/docs)", err=True)
    # a generous pong timeout: on a busy 2-core box live speech recognition can delay the pong for seconds
    uvicorn.run(app, host=host, port=port, log_config=log_config, ws_ping_interval=20, ws_ping_timeout=60)


@click.command()
@user_errors
def worker() -> None:
    """Run one more job worker against the configured database (Ctrl-C to stop)."""
    from service import logs
    from service.runtime import Runtime
    from service.worker import JobWorker

    logs.configure(get_settings().log_format)
    click.echo("dealwise worker waiting for jobs", err=True)
    JobWorker(Runtime(get_settings())).run_forever()


@click.group()
def admin() -> None:
    """Tenants and API keys (keys are shown once and stored hashed)."""


def _runtime():
    from service.runtime import Runtime

    return Runtime(get_settings())


@admin.command("create-tenant")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def create_tenant(name: str, as_json: bool) -> None:
    """Create a tenant; prints its id and an admin API key."""
    from service import crud

    with _runtime().session() as session:
        tenant, key = crud.create_tenant(session, name)
        tenant_id = tenant.id
    if as_json:
        click.echo(json.dumps({"tenant_id": tenant_id, "api_key": key}))
    else:
        click.echo(f"tenant_id: {tenant_id}\napi_key:   {key}\n(the key is shown once; keep it safe)")


@admin.command("create-key")
@click.option("--tenant", "tenant_id", required=True)
@click.option("--role", type=click.Choice(["rep", "coach", "admin"]), required=True)
@click.option("--rep-id", default=None, help="The rep this key belongs to (rep keys).")
@click.option("--json", "as_json", is_flag=True)
@user_errors
def create_key(tenant_id: str, role: str, rep_id: str | None, as_json: bool) -> None:
    """Create an API key for a tenant."""
    from service import crud

    with _runtime().session() as session:
        try:
            key = crud.create_key(session, tenant_id, role, rep_id)  # type: ignore[arg-type]
        except crud.NotFound as error:
            raise click.ClickException(str(error)) from None
    click.echo(json.dumps({"api_key": key, "tenant_id": tenant_id, "role": role, "rep_id": rep_id}) if as_json else key)


COMMANDS = [serve, worker, admin]
