"""REST API of the import framework: the same services and selectors as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants
from ppaos.core.stored_files import serve_stored_file

from .. import selectors, services
from ..importers import importers_for_user
from .serializers import ImportJobSerializer, ImportKindSerializer, ImportUploadSerializer


class _AdminOnly:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, Action.RUN_IMPORTS)

    def get_queryset(self):
        return selectors.import_jobs_visible_to(self.request.user)


class ImportJobListCreate(_AdminOnly, generics.ListAPIView):
    """Import jobs, newest first (admins see every job). POST a spreadsheet to start one: the
    answer (202) comes at once; poll the job for progress."""

    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportUploadSerializer, responses={202: ImportJobSerializer})
    def post(self, request):
        ensure_role_grants(request.user, Action.RUN_IMPORTS)
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        try:
            job = services.create_import_job(
                actor=request.user,
                uploaded_file=upload.validated_data["file"],
                dry_run=upload.validated_data["dry_run"],
                kind=upload.validated_data.get("kind"),
            )
        except services.StorageUnavailable as exc:  # the server's fault, not the file's
            return Response({"file": [str(exc)]}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except ValueError as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportKindList(_AdminOnly, generics.GenericAPIView):
    """The kinds of import this user may run (the first is the default of an upload)."""

    serializer_class = ImportKindSerializer
    pagination_class = None

    @extend_schema(responses={200: ImportKindSerializer(many=True)})
    def get(self, request):
        return Response(ImportKindSerializer(importers_for_user(request.user), many=True).data)


class ImportJobDetail(_AdminOnly, generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer
    lookup_field = "public_id"


class _StoredFileDownload(_AdminOnly, generics.GenericAPIView):
    """A stored file of a job, through the policy and audited (ppaos/core/stored_files.py)."""

    file_field = ""
    audit_action = ""

    def download_name(self, job) -> str:
        raise NotImplementedError

    def audit_details(self, job) -> dict:
        return {}

    def get(self, request, public_id):
        return serve_stored_file(
            request,
            action=Action.RUN_IMPORTS,
            queryset=self.get_queryset(),
            public_id=public_id,
            file_field=self.file_field,
            audit_action=self.audit_action,
            download_name=self.download_name,
            details=self.audit_details,
        )


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportJobErrorReport(_StoredFileDownload):
    """The rejected rows as xlsx: row number, column, value, Thai and English message."""

    file_field = "error_report"
    audit_action = "import.error_report_downloaded"

    def download_name(self, job) -> str:
        return "errors.xlsx"

    def audit_details(self, job) -> dict:
        return {"count": job.rejected_count}

    @extend_schema(responses={(200, _XLSX): bytes})
    def get(self, request, public_id):
        return super().get(request, public_id)


class ImportJobUploadedFile(_StoredFileDownload):
    """The spreadsheet as uploaded (xlsx, xls or csv), under its original name."""

    file_field = "file"
    audit_action = "import.file_downloaded"

    def download_name(self, job) -> str:
        return job.original_filename

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, public_id):
        return super().get(request, public_id)
