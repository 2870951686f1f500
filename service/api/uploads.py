"""Multipart uploads (recordings, playbook documents) streamed to disk under the size limit, atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, status

from service.runtime import Runtime

_CHUNK = 1 << 20


@dataclass
class Upload:
    path: Path  # where the file now lives (its final name)
    sha256: str
    size: int
    form: Any  # the other form fields


async def receive_upload(request: Request, runtime: Runtime, folder: Path, *, what: str, suffixes: set[str], name_of) -> Upload:
    """Stream multipart field `file` into `folder`, named by `name_of(filename, sha256)`.

    413 before reading a body whose Content-Length is over DEALWISE_MAX_UPLOAD_MB, and while streaming
    one that lies about it; 415 for a file type not in `suffixes`; 422 for a missing or empty file.
    The file appears under its final name only when complete (a job never sees half a file).
    """
    limit = int(runtime.settings.max_upload_mb * 1024 * 1024)
    too_large = HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"upload larger than {runtime.settings.max_upload_mb:g} MB")
    if int(request.headers.get("content-length") or 0) > limit + _CHUNK:
        raise too_large
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"multipart field 'file' ({what}) is missing")
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in suffixes:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"not a {what} type dealwise reads: {suffix or 'no extension'} (use {', '.join(sorted(suffixes))})"
        )
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(prefix=".upload.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "the uploaded file is empty")
        final = folder / name_of(upload.filename or "", digest.hexdigest())
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Upload(final, digest.hexdigest(), size, form)
