"""Assertions shared by the SDK tests."""

from __future__ import annotations

import datetime
import re

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def expect_error(call, error_type, status: int, code: str, message: str | None = None, *,
                       message_contains: str | None = None):
    """Awaits `call` and checks that the SDK raised its parsed OData error: the status, Graph's
    code and message, and an inner error whose date the SDK read as a UTC datetime."""
    try:
        result = await call
    except error_type as error:
        assert error.response_status_code == status, f"status {error.response_status_code}, not {status}"
        assert error.error is not None, "the SDK did not parse the error envelope"
        assert error.error.code == code, f"code {error.error.code!r}, not {code!r}"
        if message is not None:
            assert error.error.message == message
        if message_contains is not None:
            assert message_contains in (error.error.message or ""), error.error.message
        inner = error.error.inner_error
        assert inner is not None, "the SDK dropped innerError"
        assert GUID.match(inner.request_id or ""), inner.request_id
        assert inner.client_request_id, "no client-request-id"
        assert isinstance(inner.date, datetime.datetime) and inner.date.utcoffset() == datetime.timedelta(0), \
            f"innerError.date {inner.date!r} is not a UTC datetime"
        assert abs(datetime.datetime.now(datetime.timezone.utc) - inner.date) < datetime.timedelta(minutes=5)
        # str(error) is what an application logs: it carries Graph's message and the status.
        assert f"(status {status})" in str(error)
        return error
    raise AssertionError(f"expected {status} {code}, got a success: {result!r}")
