"""gunicorn settings for PPAOS: logs that hold no personal data.

Used by scripts/run.sh and docker-compose.yml: `gunicorn -c python:ppaos.gunicorn_conf ...`.
The access log records who asked (client address), when, the method, the path without its query
string, the status, size and duration; never the query string (searches carry national IDs and
names), the Referer (it carries the previous page's query string) or the user agent.
"""

from gunicorn.glogging import Logger

from ppaos.core.log_redaction import REDACTED, RedactPersonalData, redact_path

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


class RedactingLogger(Logger):
    """Every atom that can carry personal data is blanked, whatever `access_log_format` says;
    the error log (which names the URI of a failed request) goes through the redaction filter."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The path as sent (percent-encoded): PATH_INFO is decoded as latin-1, which would hide
        # Thai text from the redaction.
        path = redact_path(environ.get("RAW_URI") or atoms.get("U") or "")
        query = REDACTED if atoms.get("q") else ""
        atoms.update(U=path, q=query, r=f"{atoms['m']} {path} {atoms['H']}", f="-", a="-", u="-")
        # Request headers ({referer}i, {cookie}i...) and the environ ({query_string}e...) too.
        for key in [k for k in atoms if k.endswith(("}i", "}e"))]:
            atoms[key] = "-"
        return atoms

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalData) for f in log.filters):
                log.addFilter(RedactPersonalData())


logger_class = RedactingLogger
