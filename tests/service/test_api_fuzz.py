"""Property-based fuzzing of the whole REST API from its OpenAPI schema (schemathesis): no input gives a 500.

Every operation of the schema is one test: schemathesis generates valid and invalid requests from the
schema, sends them to a real server with a valid key, and fails on any 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from api_server import Server
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode


def _operations():
    import tempfile
    from pathlib import Path

    from service.app import create_app
    from service.config import Settings

    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp(prefix="dealwise-schema-"))), worker=False)
    return [result.ok() for result in schemathesis.openapi.from_dict(app.openapi()).get_all_operations()]


OPERATIONS = _operations()
# Invalid requests exist only for operations that take some input.
CASES = [(operation, GenerationMode.POSITIVE) for operation in OPERATIONS] + [
    (operation, GenerationMode.NEGATIVE)
    for operation in OPERATIONS
    if operation.definition.raw.get("parameters") or operation.definition.raw.get("requestBody")
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("fuzz"), max_upload_mb="1")
    try:
        server.start()
        yield server, server.tenant("Fuzz")
    finally:
        server.stop()


@pytest.mark.parametrize(("operation", "mode"), CASES, ids=[f"{operation.label} {mode.value}" for operation, mode in CASES])
def test_no_input_gives_a_server_error(operation, mode, live):
    server, tenant = live

    @given(data=st.data())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(data):
        case = data.draw(operation.as_strategy(mode))
        case.call_and_validate(
            base_url=server.url, headers={"Authorization": f"Bearer {tenant.admin_key}"}, checks=[not_a_server_error]
        )

    fuzz()
