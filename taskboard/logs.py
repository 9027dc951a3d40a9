"""Log filters for the libraries the app runs on."""

import logging


class OnceAMinute(logging.Filter):
    """Let a repeating record through once a minute, saying how many were held back.

    channels-redis's Pub/Sub reader logs the same traceback every second for as long
    as Redis is down; the first one says what happened, and one a minute after it
    says that it still does.
    """

    def __init__(self, window: float = 60.0) -> None:
        super().__init__()
        self.window = window
        # (message, exception type) -> [when last let through, how many held back since]
        self._seen: dict[tuple, list] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.msg, record.exc_info[0] if record.exc_info else None)
        seen = self._seen.get(key)
        if seen is not None and record.created - seen[0] < self.window:
            seen[1] += 1
            return False
        held_back = seen[1] if seen is not None else 0
        self._seen[key] = [record.created, 0]
        if held_back:
            record.msg = f"{record.msg} (and {held_back} more like it since the last one)"
        return True
