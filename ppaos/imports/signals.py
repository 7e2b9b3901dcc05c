"""Signals of the import framework, so domain apps can react to an import without the framework
importing them (the core imports no domain app).

`import_job_finished(sender=<importer kind>, job=<ImportJob>)` is sent when a job's rows are
written, inside the job's transaction (not for a validate-only run): a receiver that starts work
elsewhere registers it with `transaction.on_commit`. The monitoring roll-ups use it to queue the
villages the import touched for their debounced refresh.
"""

from django.dispatch import Signal

import_job_finished = Signal()
