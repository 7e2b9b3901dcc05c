"""Survey API: read surveys with their answers and classification; start, submit, verify and
return them as each role may. Views call the survey selectors and services only.

A role without the action gets 403 (an executive or agency staff cannot see surveys, a
facilitator cannot verify); a survey outside the caller's areas 404; no assignment an empty list.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from ppaos.accounts.policy import Action, ensure_role_allows, ensure_role_grants
from ppaos.audit.reads import AuditedListMixin

from ..models import (
    ClassificationResult,
    IndicatorAnswer,
    Level,
    Survey,
    SurveyAccounts,
    SurveyStatus,
)
from ..surveys.selectors import (
    households_for_survey,
    instrument_parts,
    survey_with_answers,
    surveys_editable_by,
    surveys_visible_to,
)
from ..surveys.services import (
    STEPS,
    StaleSurvey,
    record_survey_view,
    return_survey,
    start_survey,
    submit_survey,
    verify_survey,
)
from ..surveys.step_forms import posted_version
from .service_calls import call_service

# ---- serializers -----------------------------------------------------------------------------


class ClassificationResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationResult
        fields = [
            "level",
            "overall_score",
            "score_human",
            "score_physical",
            "score_financial",
            "score_natural",
            "score_social",
            "target_poor",
            "welfare_card_holder",
            "failed_dimensions",
            "low_items",
            "rule_set_version",
        ]


class IndicatorAnswerSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    number = serializers.IntegerField(source="indicator.number")
    dimension = serializers.CharField(source="indicator.dimension")
    person = serializers.UUIDField(source="person.public_id", allow_null=True, default=None)

    class Meta:
        model = IndicatorAnswer
        fields = ["indicator", "number", "dimension", "person", "result"]


class SurveyAnswersSerializer(serializers.Serializer):
    """A survey's answers (detail only): capital item scores, indicators, accounts, needs."""

    capital_scores = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()
    accounts = serializers.SerializerMethodField()
    needs = serializers.SerializerMethodField()
    needs_note = serializers.CharField(read_only=True)

    def get_capital_scores(self, survey) -> dict[str, int]:
        return {a.item.code: a.score for a in survey.capital_answers.all()}

    @extend_schema_field(IndicatorAnswerSerializer(many=True))
    def get_indicators(self, survey) -> list[dict]:
        return IndicatorAnswerSerializer(survey.indicator_answers.all(), many=True).data

    def get_accounts(self, survey) -> dict[str, str | None] | None:
        accounts = SurveyAccounts.objects.filter(survey=survey).first()
        if accounts is None:
            return None
        return {
            name: (str(value) if (value := getattr(accounts, name)) is not None else None)
            for name in SurveyAccounts.FIELDS
        }

    def get_needs(self, survey) -> list[dict]:
        return [{"category": n.category, "detail": n.detail} for n in survey.needs.all()]


class SurveySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    household = serializers.UUIDField(source="household.public_id", read_only=True)
    area = serializers.CharField(source="household.area_id", read_only=True)
    instrument_version = serializers.CharField(source="instrument.version", read_only=True)
    surveyed_by = serializers.CharField(source="surveyed_by.username", read_only=True)
    result = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "household",
            "area",
            "fiscal_year",
            "status",
            "instrument_version",
            "surveyed_by",
            "surveyed_on",
            "submitted_at",
            "reviewed_at",
            "return_comment",
            "notice_given",
            "lawful_basis",
            "sensitive_consent",
            "result",
            "answers",
        ]

    @extend_schema_field(ClassificationResultSerializer(allow_null=True))
    def get_result(self, survey) -> dict | None:
        if survey.status != SurveyStatus.VERIFIED:
            return None
        result = getattr(survey, "result", None)
        return ClassificationResultSerializer(result).data if result else None

    @extend_schema_field(SurveyAnswersSerializer(allow_null=True))
    def get_answers(self, survey) -> dict | None:
        """The answers, on the detail endpoint only (null in lists)."""
        if not self.context.get("with_answers"):
            return None
        return SurveyAnswersSerializer(survey).data


class StartSurveySerializer(serializers.Serializer):
    household = serializers.UUIDField()
    surveyed_on = serializers.DateField(required=False)


class ReturnSurveySerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000)


class StepDraftRequestSerializer(serializers.Serializer):
    """The step form's fields by their page names, e.g. {"notice_given": true} for consent."""


class StepDraftResponseSerializer(serializers.Serializer):
    saved_all = serializers.BooleanField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    step = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)


# ---- filters ---------------------------------------------------------------------------------


class SurveyFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(
        field_name="household__area__pk", lookup_expr="startswith", label="Area code (prefix)"
    )
    round = django_filters.NumberFilter(field_name="fiscal_year", label="Round (fiscal year BE)")
    status = django_filters.ChoiceFilter(choices=SurveyStatus.choices)
    level = django_filters.ChoiceFilter(field_name="result__level", choices=Level.choices)
    target_poor = django_filters.BooleanFilter(field_name="result__target_poor")

    class Meta:
        model = Survey
        fields = ["area", "round", "status", "level", "target_poor"]


# ---- views -----------------------------------------------------------------------------------


@extend_schema(tags=["surveys"])
class SurveyViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Surveys of households in the caller's areas, with their classification once verified.

    Facilitators start and submit; area managers also verify (classify) or return with a comment;
    provincial officers read. Filters: area (code prefix), round, status, level, target_poor.
    """

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = SurveyFilter
    audit_kind = "survey"

    serializer_class = SurveySerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_answers": self.action == "retrieve"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ensure_role_allows(request.user, Action.VIEW_HOUSEHOLD)

    def get_queryset(self):
        queryset = surveys_visible_to(self.request.user).select_related("result")
        if self.action == "retrieve":
            queryset = survey_with_answers(queryset).prefetch_related(
                "capital_answers__item", "indicator_answers__indicator", "indicator_answers__person"
            )
        return queryset.order_by("-fiscal_year", "household__area_id", "id")

    def retrieve(self, request, *args, **kwargs):
        """One survey with its answers; every read is logged like the survey page (PDPA s.37)."""
        survey = self.get_object()
        record_survey_view(actor=request.user, survey=survey)
        return Response(self.get_serializer(survey).data)

    def _survey(self, id) -> Survey:
        return get_object_or_404(surveys_visible_to(self.request.user), public_id=id)

    def _detail(self, survey, code=status.HTTP_200_OK):
        survey = Survey.objects.select_related(
            "household", "instrument", "surveyed_by", "result"
        ).get(pk=survey.pk)
        return Response(SurveySerializer(survey).data, status=code)

    @extend_schema(request=StartSurveySerializer, responses={201: SurveySerializer})
    def create(self, request):
        """Start this round's survey of a household (facilitators and area managers)."""
        ensure_role_grants(request.user, Action.ENTER_SURVEY)
        data = StartSurveySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = get_object_or_404(
            households_for_survey(request.user), public_id=data.validated_data["household"]
        )
        survey = call_service(
            start_survey,
            actor=request.user,
            household=household,
            surveyed_on=data.validated_data.get("surveyed_on"),
        )
        return self._detail(survey, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, id=None):
        ensure_role_allows(request.user, Action.ENTER_SURVEY)
        survey = call_service(submit_survey, actor=request.user, survey=self._survey(id))
        return self._detail(survey)

    @extend_schema(request=None, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, id=None):
        """Verify a submitted survey: it is classified with the current rule set."""
        ensure_role_allows(request.user, Action.VERIFY_SURVEY)
        survey = self._survey(id)
        call_service(verify_survey, actor=request.user, survey=survey)
        return self._detail(survey)

    @extend_schema(request=ReturnSurveySerializer, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, id=None):
        """Return a submitted survey to its facilitator with a comment."""
        ensure_role_allows(request.user, Action.VERIFY_SURVEY)
        survey = self._survey(id)  # 404 outside the caller's areas, before the body is read
        data = ReturnSurveySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survey = call_service(
            return_survey,
            actor=request.user,
            survey=survey,
            comment=data.validated_data["comment"],
        )
        return self._detail(survey)

    @extend_schema(
        request=StepDraftRequestSerializer,
        parameters=[
            OpenApiParameter(
                "step",
                str,
                OpenApiParameter.PATH,
                enum=[step for step in STEPS if step != "review"],
                description="The survey step to save.",
            )
        ],
        responses={
            200: StepDraftResponseSerializer,
            400: StepDraftResponseSerializer,
            409: StepDraftResponseSerializer,
        },
    )
    @action(detail=True, methods=["patch"], url_path=r"steps/(?P<step>[^/.]+)")
    def steps(self, request, id=None, step=None):
        """Save a draft of one survey step, with the same forms and rules as the survey pages:
        the body holds the step form's fields by their page names (as JSON). Valid answers are
        kept even when others are wrong; wrong ones come back in `errors`, beside their field
        name (200, `saved_all` false). A refusal by the rules (consent, a locked survey) saves
        nothing of the step: 400 with the errors. Send the survey's `version` the answers are
        based on: when someone saved the survey since, nothing is saved (409, with the current
        `version`). Only an editable survey in the caller's areas
        (404 otherwise); the review step has nothing to save (404)."""
        from ..surveys import views as survey_pages  # the pages' step forms and saving

        ensure_role_allows(request.user, Action.ENTER_SURVEY)
        survey = get_object_or_404(surveys_editable_by(request.user), public_id=id)
        if step not in STEPS or step == "review":
            raise Http404
        parts = instrument_parts(survey.instrument)
        data = request.data if hasattr(request.data, "get") else {}
        form = survey_pages._build_form(step, survey, parts, data)
        valid = form.is_valid()
        try:
            survey_pages._save(
                step, survey, form, request.user, expected_version=posted_version(data)
            )
        except StaleSurvey as error:
            survey.refresh_from_db()
            return Response(
                {
                    "saved_all": False,
                    "errors": {"": error.messages},
                    "step": step,
                    "version": survey.version,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            return Response(
                {"saved_all": False, "errors": detail}, status=status.HTTP_400_BAD_REQUEST
            )
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        survey.refresh_from_db()
        return Response(
            {"saved_all": valid, "errors": errors, "step": step, "version": survey.version}
        )


router = SimpleRouter()
router.register("surveys", SurveyViewSet, basename="survey")
urlpatterns = [*router.urls]
