"""Keep personal data out of every log line: web server, Django and Celery (PDPA s.22, s.37).

Logs are read by more people than the registry and kept longer, so they must hold no national
ID and no name. Three things can carry one into a log line: a query string (searches are GET
requests, `?q=<ID or name>`), a path typed by hand, and an exception message (PostgreSQL puts
the offending value in its error detail). `redact` removes query strings after a path, any run
of 13 digits (Arabic or Thai, with or without separators) and Thai script (raw, percent-encoded
or backslash-escaped): log messages are written in English, so Thai text in one is data.

Pure Python (no Django), so the gunicorn config can import it before Django is set up.
"""

import logging
import re

REDACTED = "[redacted]"

# A query string after a path or URL: "/persons/?q=..." -> "/persons/?[redacted]".
_QUERY_STRING = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
# Thirteen digits in a row, or in the grouping people type: "1-1017-00207-03-0", "1 1017 ...".
_D = "[0-9๐-๙]"
_NATIONAL_ID = re.compile(
    rf"(?<!{_D})(?:{_D}{{13}}|{_D}[\s\-.]?{_D}{{4}}[\s\-.]?{_D}{{5}}[\s\-.]?{_D}{{2}}[\s\-.]?{_D})(?!{_D})"
)
_THAI_TEXT = re.compile(r"[\u0E00-\u0E7F]+(?:[\s.]+[\u0E00-\u0E7F]+)*")
_PERCENT_THAI = re.compile(r"(?:%E0%B[89]%[89AB][0-9A-F])+", re.IGNORECASE)
# Django escapes a logged path ("Not Found: /\\u0e2a..."), which still reads back as the name.
_ESCAPED_THAI = re.compile(r"(?:\\u0e[0-7][0-9a-f](?:\s|%20)?)+", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` without query strings, national IDs or Thai text."""
    if not text:
        return text
    text = _QUERY_STRING.sub(rf"\1?{REDACTED}", text)
    text = _PERCENT_THAI.sub(REDACTED, text)
    text = _ESCAPED_THAI.sub(REDACTED, text)
    text = _THAI_TEXT.sub(REDACTED, text)
    return _NATIONAL_ID.sub(REDACTED, text)


def redact_path(path: str) -> str:
    """A request path for the access log: the query string dropped, the rest redacted."""
    return redact((path or "").split("?", 1)[0])


_exception_formatter = logging.Formatter()


class RedactPersonalData(logging.Filter):
    """A logging filter (put it on handlers) that redacts the message, traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call still gets logged, without its arguments
            message = str(record.msg)
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def add_redaction(logger: logging.Logger) -> None:
    """Put the filter on every handler of `logger` (once)."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
            handler.addFilter(RedactPersonalData())
