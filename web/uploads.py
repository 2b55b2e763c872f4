"""A form with files, read into memory only: an uploaded file never rolls into a temporary file on disk.

Litestar's own parser spools a file part above 1 MB to a temporary file; a file deleted from disk is not erased from
it, and an attachment's plaintext must live only sealed in the database. So a multipart form is parsed here, its size
bounded by the Content-Length the browser sends (refused above `app.state.upload_max_body`), and kept where
`request.form()` finds it: the CSRF check and the handler read the same parse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, HTTPException
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser  # type: ignore[import-untyped]

MAX_PARTS = 100


class UploadTooLarge(HTTPException):
    """The whole form is larger than any upload may be: refused before a byte of it is read."""

    status_code = 413


async def read_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    """The request's form; a multipart one parsed in memory within the upload limit, once per request."""
    state = ScopeState.from_scope(request.scope)
    content_type, options = request.content_type
    if content_type != RequestEncodingType.MULTI_PART or state.form is not Empty:
        return await request.form()
    limit: int = request.app.state.upload_max_body
    length = request.headers.get("content-length", "")
    if not re.fullmatch(r"[0-9]{1,18}", length) or int(length) > limit:  # ASCII digits only
        raise UploadTooLarge(detail="Skjemaet med vedlegg er for stort")
    boundary = options.get("boundary")
    if not boundary:
        raise ClientException("multipart boundary missing in Content-Type")
    fields: defaultdict[str, list[Any]] = defaultdict(list)
    received = 0
    try:
        with PushMultipartParser(boundary.encode(), max_segment_count=MAX_PARTS) as parser:
            segment: MultipartSegment | None = None
            data = bytearray()
            stream = request.stream()
            while not parser.closed:
                chunk = await anext(stream, b"")
                received += len(chunk)
                if received > limit:
                    raise UploadTooLarge(detail="Skjemaet med vedlegg er for stort")
                for part in parser.parse(chunk):
                    if isinstance(part, MultipartSegment):
                        segment, data = part, bytearray()
                    elif part:
                        data.extend(part)
                    elif segment is not None:
                        fields[segment.name].append(_value(segment, bytes(data), limit))
                        segment, data = None, bytearray()
    except (ParserError, ParserLimitReached):
        raise ClientException("Invalid multipart/form-data") from None
    state.form = {name: values if len(values) > 1 else values[0] for name, values in fields.items()}
    return await request.form()


def _value(segment: MultipartSegment, data: bytes, limit: int) -> Any:
    if segment.filename is None:
        return data.decode(segment.charset or "utf-8", "replace")
    upload = UploadFile(
        content_type=segment.content_type or "application/octet-stream",
        filename=segment.filename,
        file_data=data,
        max_spool_size=limit + 1,  # never rolled to disk
    )
    return upload


def files(form: FormMultiDict, name: str) -> list[tuple[str, bytes]]:
    """Each file sent in the field, as (its name, its bytes); a file input left empty sends a part with no name."""
    found = []
    for value in form.getall(name, []):
        if isinstance(value, UploadFile):
            value.file.seek(0)
            data = value.file.read()
            if value.filename or data:
                found.append((value.filename, data))
    return found
