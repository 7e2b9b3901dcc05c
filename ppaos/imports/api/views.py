"""REST API of the import framework: the same services and selectors as the pages."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants

from .. import selectors, services
from .serializers import ImportJobSerializer, ImportUploadSerializer


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
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            job = services.create_import_job(
                actor=request.user,
                uploaded_file=upload.validated_data["file"],
                dry_run=upload.validated_data["dry_run"],
            )
        except ValueError as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobDetail(_AdminOnly, generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer
    lookup_field = "public_id"


class ImportJobErrorReport(_AdminOnly, generics.GenericAPIView):
    """The rejected rows as xlsx: row number, column, value, Thai and English message."""

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        }
    )
    def get(self, request, public_id):
        job = get_object_or_404(self.get_queryset(), public_id=public_id)
        if not job.error_report:
            raise Http404
        return FileResponse(job.error_report.open("rb"), as_attachment=True, filename="errors.xlsx")
