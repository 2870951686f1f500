"""Request-scoped dependencies: the unit of work and the authenticated caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service import crud
from service.crud import KeyRole, Principal
from service.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="An API key from `dealwise admin create-key`.")


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def get_session(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Iterator[Session]:
    with runtime.session() as session:
        yield session


def get_principal(
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing Authorization: Bearer KEY", headers={"WWW-Authenticate": "Bearer"})
    principal = crud.principal_for_key(session, credentials.credentials)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
    return principal


def require(*roles: KeyRole):
    """A dependency that admits only callers with one of `roles` (403 otherwise)."""

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.can(*roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs a {' or '.join(roles)} key; yours is {principal.role}")
        return principal

    check.roles = roles  # read by the route-table tests: every restricted route is checked with a rep key
    return check


SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
CallerDep = Annotated[Principal, Depends(get_principal)]
