"""Keep the user's location out of the logs.

The map sends a position only as the `near` query parameter (and a viewport as `bbox`). The
development server and proxies log request lines with their query strings, so this filter
rewrites every log record's message with those values removed before any handler writes it.
"""

import logging
import re

# near=22.54,114.05 and bbox=...; also their URL-encoded comma (%2C).
_LOCATION_PARAMETER = re.compile(r"\b(near|bbox)=[^&\s\"']*", re.IGNORECASE)
REMOVED = "[removed]"


def scrub_location(text: str) -> str:
    return _LOCATION_PARAMETER.sub(lambda m: f"{m.group(1)}={REMOVED}", text)


class LocationScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub_location(message)
        if scrubbed != message:
            record.msg = scrubbed
            record.args = None
        return True
