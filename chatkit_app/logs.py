"""Logging for the ChatKit endpoint: one place decides how a request's outcome is logged.

chatkit's server logs every exception raised while it streams, with its traceback,
before the endpoint sees it: an unknown thread id (a 404) would fill the error log.
The endpoint logs refusals itself (INFO, one line) and failures at ERROR with the
traceback, so chatkit's own record of them is dropped here.
"""

import logging

STREAM_FAILED = "Error while generating streamed response"


class DropStreamErrors(logging.Filter):
    """For the `chatkit` logger: drop the record the endpoint logs in its own words."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != STREAM_FAILED
