# ruff: noqa: E501  (one entry a line: the table is read across)
"""The access matrix: which policy action governs every URL pattern and every API operation.

HOW TO ADD AN ENTRY (one line; `test_access_matrix.py` fails, naming the URL, until you do)
-------------------------------------------------------------------------------------------
Pages are keyed by URL name ("namespace:name"; an unnamed pattern by its route), API operations
by "METHOD /path/{param}/" exactly as the OpenAPI schema spells them:

    PAGES["households:household_edit"] = Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD,
                                              methods=GET_POST)
    API["POST /api/v1/surveys/{id}/verify/"] = Rule(A.VERIFY_SURVEY, "survey")

Rule(see, kind=None, *, do=None, write=None, methods=GET, strict=False, ok=None)

- `see`: the Action (or a tuple: any of them) a role must grant, else 403; it also scopes the
  record (outside the user's areas for that action: 404). `ANY_SIGNED_IN` for pages every user
  may open, `PUBLIC` for pages anyone (anonymous too) may open.
- `kind`: the record the URL addresses (None for lists and creates). One of the builders in
  `access_world.py`: household, person, registrant, survey, referral, duplicate, transfer, area (built in
  each area relation: own subdistrict, neighbouring subdistrict, neighbouring district, another
  province), agency_referral (own agency / another agency), notification (a notice: own / someone
  else's), import_job, import_kind (an importer), agency, service (one each). URL parameters come from the record
  (`public_id`, `id`, `household_id`, `survey_id`, `membership_id`, `code`, `step`, `name`, …).
- `do`: an Action also required in the record's area for every method (403 when the record is
  visible but the role may not act on it: a provincial officer opening a household's edit page).
- `write`: an Action required for the unsafe methods only (POST to a read page).
- `methods` (pages only; an API key names its method): which methods to send (GET, and POST
  with an empty body).
- `strict`: a user with no assignment gets 403 rather than an empty list (creates, admin pages).
- `ok`: the success statuses of a GET when not 200 (a download, a redirect).

Expected answers are derived from ROLE_ACTIONS (ppaos/accounts/policy.py) and the relation, never
written per role: anonymous → 302 to the login page (pages) or 401/403 (API); a role without the
action → 403; a record outside the user's scope → 404 (never 403); no assignment → 200 on lists,
404 on records; allowed → 200 (GET) or 2xx/302/400/409 (a write with an empty body).
"""

from dataclasses import dataclass

from ppaos.accounts.policy import Action as A

ANY_SIGNED_IN = "any signed-in user"
PUBLIC = "anyone, signed in or not"
ADMIN_SITE = "the Django admin: admins only"
NOT_SERVED_IN_TESTS = "not served with DEBUG off"

GET = ("get",)
POST = ("post",)
GET_POST = ("get", "post")
PATCH = ("patch",)


@dataclass(frozen=True)
class Rule:
    see: object
    kind: str | None = None
    do: A | None = None
    write: A | None = None
    methods: tuple = GET
    strict: bool = False
    ok: frozenset | None = None

    @property
    def see_actions(self) -> tuple:
        return self.see if isinstance(self.see, tuple) else (self.see,)


CASE_WORKER = (A.PROPOSE_REFERRAL, A.APPROVE_REFERRAL)
# Transfer requests: opened by those who decide them or who edit households (the facilitator
# follows what they asked for); deciding (`write`) needs DECIDE_PERSON_TRANSFER for a side.
TRANSFER_FOLLOWER = (A.DECIDE_PERSON_TRANSFER, A.EDIT_HOUSEHOLD)
REDIRECT = frozenset({302})

# fmt: off
PAGES: dict[str, Rule] = {
    # Core
    "home":                              Rule(ANY_SIGNED_IN),
    "login":                             Rule(PUBLIC),
    "logout":                            Rule(PUBLIC, methods=POST),
    "set_language":                      Rule(PUBLIC, methods=POST),
    "api-schema":                        Rule(PUBLIC),
    "api-docs":                          Rule(PUBLIC),
    "service_worker":                    Rule(PUBLIC),
    "offline:app":                       Rule(A.ENTER_SURVEY),
    "admin/*":                           Rule(ADMIN_SITE),
    "^media/(?P<path>.*)$":              Rule(NOT_SERVED_IN_TESTS),
    "areas:area_list":                   Rule(A.VIEW_AREA),
    "areas:area_detail":                 Rule(A.VIEW_AREA, "area"),
    "monitoring:dashboard":              Rule(A.VIEW_DASHBOARD),
    "monitoring:area_dashboard":         Rule(A.VIEW_DASHBOARD, "area"),
    "monitoring:transitions":            Rule(A.VIEW_DASHBOARD, "area"),
    "monitoring:agencies":               Rule(A.VIEW_DASHBOARD, "area"),
    "monitoring:report_request":         Rule(A.RUN_REPORTS, "area", methods=POST),
    "monitoring:report_list":            Rule(A.VIEW_DASHBOARD),
    "monitoring:report_detail":          Rule(A.VIEW_DASHBOARD, "report"),
    "monitoring:report_progress":        Rule(A.VIEW_DASHBOARD, "report"),
    "monitoring:report_download":        Rule(A.VIEW_DASHBOARD, "report"),
    "audit:audit_log":                   Rule(A.VIEW_AUDIT_LOG, strict=True),
    # User and role management (admins)
    "accounts:user_list":                Rule(A.MANAGE_USERS, strict=True),
    "accounts:user_create":              Rule(A.MANAGE_USERS, methods=GET_POST, strict=True),
    "accounts:user_detail":              Rule(A.MANAGE_USERS, "user_account", strict=True),
    "accounts:role_assign":              Rule(A.MANAGE_USERS, "user_account", methods=GET_POST, strict=True, ok=REDIRECT),
    "accounts:role_withdraw":            Rule(A.MANAGE_USERS, "user_account", methods=POST, strict=True),
    "accounts:user_set_active":          Rule(A.MANAGE_USERS, "user_account", methods=POST, strict=True),
    "accounts:password_reset":           Rule(A.MANAGE_USERS, "user_account", methods=POST, strict=True),
    # Households
    "households:worklist":               Rule(A.REVIEW_REGISTRANT),
    "households:search":                 Rule(A.VIEW_HOUSEHOLD),
    "households:household_create":       Rule(A.EDIT_HOUSEHOLD, methods=GET_POST, strict=True),
    "households:survey_xlsform":         Rule(A.IMPORT_SURVEYS, strict=True),
    "households:registrant_detail":      Rule(A.VIEW_HOUSEHOLD, "registrant", write=A.REVIEW_REGISTRANT, methods=GET_POST),
    "households:household_detail":       Rule(A.VIEW_HOUSEHOLD, "household"),
    "households:household_edit":         Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD, methods=GET_POST),
    "households:member_add":             Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD, methods=GET_POST),
    "households:programme_exit":         Rule(A.VIEW_HOUSEHOLD, "household", do=A.VERIFY_SURVEY, methods=GET_POST),
    "households:member_edit":            Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD, methods=GET_POST),
    "households:member_move_out":        Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD, methods=GET_POST),
    "households:member_make_head":       Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD, methods=GET_POST),
    "households:person_detail":          Rule(A.VIEW_HOUSEHOLD, "person"),
    "households:duplicate_queue":        Rule(A.REVIEW_DUPLICATES),
    "households:duplicate_review":       Rule(A.REVIEW_DUPLICATES, "duplicate", methods=GET_POST),
    "households:transfer_queue":         Rule(TRANSFER_FOLLOWER),
    "households:transfer_detail":        Rule(TRANSFER_FOLLOWER, "transfer", write=A.DECIDE_PERSON_TRANSFER, methods=GET_POST),
    # Surveys
    "households:survey_list":            Rule(A.ENTER_SURVEY),
    "households:review_queue":           Rule(A.VERIFY_SURVEY),
    "households:survey_start":           Rule(A.ENTER_SURVEY, "household", methods=POST),
    "households:survey_detail":          Rule(A.VIEW_HOUSEHOLD, "survey"),
    "households:survey_step":            Rule(A.ENTER_SURVEY, "survey", methods=GET_POST),
    "households:survey_submit":          Rule(A.ENTER_SURVEY, "survey", methods=POST),
    "households:survey_verify":          Rule(A.VERIFY_SURVEY, "survey", methods=POST),
    "households:survey_return":          Rule(A.VERIFY_SURVEY, "survey", methods=POST),
    # Privacy (PDPA duties)
    "privacy:request_list":              Rule(A.HANDLE_DATA_REQUESTS),
    "privacy:request_create":            Rule(A.HANDLE_DATA_REQUESTS, methods=GET_POST, strict=True),
    "privacy:request_detail":            Rule(A.HANDLE_DATA_REQUESTS, "data_request", methods=GET_POST),
    "privacy:request_export":            Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "privacy:breach_list":               Rule(A.HANDLE_DATA_REQUESTS),
    "privacy:breach_create":             Rule(A.HANDLE_DATA_REQUESTS, methods=GET_POST, strict=True),
    "privacy:breach_detail":             Rule(A.HANDLE_DATA_REQUESTS, "breach", methods=GET_POST),
    "privacy:breach_affected":           Rule(A.HANDLE_DATA_REQUESTS, "breach"),
    # The printed community master plan and its PDF (masterplans/print_urls.py)
    "plan_print:plan_print":             Rule(A.VIEW_HOUSEHOLD, "plan"),
    "plan_print:pdf_panel":              Rule(A.VIEW_HOUSEHOLD, "plan", methods=GET_POST),
    "plan_print:pdf_download":           Rule(A.VIEW_HOUSEHOLD, "plan_pdf"),
    "privacy:retention_report":          Rule(A.HANDLE_DATA_REQUESTS),
    # Referrals
    "referrals:officer_queue":           Rule(A.APPROVE_REFERRAL, methods=GET_POST),
    "referrals:agency_inbox":            Rule(A.ACT_ON_REFERRAL),
    "referrals:follow_up_list":          Rule(A.PROPOSE_REFERRAL),
    "referrals:overdue_list":            Rule((A.PROPOSE_REFERRAL, A.APPROVE_REFERRAL)),
    "referrals:draft_list":              Rule(A.PROPOSE_REFERRAL),
    "referrals:agency_referral":         Rule(A.ACT_ON_REFERRAL, "agency_referral"),
    "referrals:agency_step":             Rule(A.ACT_ON_REFERRAL, "agency_referral", methods=POST),
    "referrals:agency_note":             Rule(A.ACT_ON_REFERRAL, "agency_referral", methods=POST),
    "referrals:household_referrals":     Rule(CASE_WORKER, "household", write=A.PROPOSE_REFERRAL, methods=GET_POST),
    "referrals:referral_detail":         Rule(CASE_WORKER, "referral"),
    "referrals:record_follow_up":        Rule(A.PROPOSE_REFERRAL, "referral", methods=POST),
    "referrals:referral_step":           Rule(CASE_WORKER, "referral", methods=POST),
    # Community master plans: read by VIEW_HOUSEHOLD (scope), written by DRAFT/ENDORSE_MASTER_PLAN
    "masterplans:plan_list":             Rule(A.VIEW_HOUSEHOLD),
    "masterplans:plan_create":           Rule(A.DRAFT_MASTER_PLAN, methods=GET_POST, strict=True),
    "masterplans:overview":              Rule(A.VIEW_DASHBOARD),
    "masterplans:export":                Rule(A.VIEW_HOUSEHOLD),
    "masterplans:plan_detail":           Rule(A.VIEW_HOUSEHOLD, "plan"),
    "masterplans:plan_refresh":          Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN, methods=POST),
    "masterplans:plan_endorse":          Rule(A.VIEW_HOUSEHOLD, "plan", do=A.ENDORSE_MASTER_PLAN, methods=POST),
    "masterplans:problem_add":           Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN, methods=POST),
    "masterplans:problem_move":          Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN, methods=POST),
    "masterplans:problem_edit":          Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN, methods=POST),
    "masterplans:problem_delete":        Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN, methods=POST),
    "masterplans:project_add":           Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN, methods=GET_POST),
    "masterplans:project_detail":        Rule(A.VIEW_HOUSEHOLD, "project"),
    "masterplans:project_edit":          Rule(A.VIEW_HOUSEHOLD, "project", do=A.DRAFT_MASTER_PLAN, methods=GET_POST),
    "masterplans:project_step":          Rule(A.VIEW_HOUSEHOLD, "project", do=A.DRAFT_MASTER_PLAN, methods=POST),
    # Imports
    "notifications:list":                Rule(ANY_SIGNED_IN, methods=GET_POST),
    "notifications:open":                Rule(ANY_SIGNED_IN, "notification", methods=GET_POST, ok=REDIRECT),
    "imports:job_list":                  Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS)),
    "imports:upload":                    Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), methods=GET_POST, strict=True),
    "imports:import_template":           Rule(A.RUN_IMPORTS, "import_kind"),
    "imports:job_detail":                Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job"),
    "imports:job_progress":              Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job"),
    "imports:error_report":              Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job"),
    "imports:import_again":              Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job", methods=POST),
    "imports:restart":                   Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job", methods=POST),
    "imports:column_mapping":            Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job", methods=GET_POST),
    "imports:uploaded_file":             Rule((A.RUN_IMPORTS, A.IMPORT_SURVEYS), "import_job"),
}

API: dict[str, Rule] = {
    # Catalogue: any role reads it; no assignment sees nothing.
    "GET /api/v1/agencies/":                              Rule(ANY_SIGNED_IN),
    "GET /api/v1/agencies/{public_id}/":                  Rule(ANY_SIGNED_IN, "agency"),
    "GET /api/v1/services/":                              Rule(ANY_SIGNED_IN),
    "GET /api/v1/services/{public_id}/":                  Rule(ANY_SIGNED_IN, "service"),
    # Registry
    "GET /api/v1/households/":                            Rule(A.VIEW_HOUSEHOLD),
    "POST /api/v1/households/":                           Rule(A.EDIT_HOUSEHOLD, strict=True),
    "GET /api/v1/households/{id}/":                       Rule(A.VIEW_HOUSEHOLD, "household"),
    "PATCH /api/v1/households/{id}/":                     Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD),
    "POST /api/v1/households/{id}/members/":              Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD),
    "POST /api/v1/households/{id}/move-out/":             Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD),
    "POST /api/v1/households/{id}/transfer-head/":        Rule(A.VIEW_HOUSEHOLD, "household", do=A.EDIT_HOUSEHOLD),
    "GET /api/v1/person-transfers/":                      Rule(TRANSFER_FOLLOWER),
    "GET /api/v1/person-transfers/{id}/":                 Rule(TRANSFER_FOLLOWER, "transfer"),
    "POST /api/v1/person-transfers/{id}/approve/":        Rule(TRANSFER_FOLLOWER, "transfer", write=A.DECIDE_PERSON_TRANSFER),
    "POST /api/v1/person-transfers/{id}/reject/":         Rule(TRANSFER_FOLLOWER, "transfer", write=A.DECIDE_PERSON_TRANSFER),
    "GET /api/v1/persons/":                               Rule(A.VIEW_HOUSEHOLD),
    "GET /api/v1/persons/{id}/":                          Rule(A.VIEW_HOUSEHOLD, "person"),
    "GET /api/v1/registrants/":                           Rule(A.VIEW_HOUSEHOLD),
    "GET /api/v1/registrants/{id}/":                      Rule(A.VIEW_HOUSEHOLD, "registrant"),
    "GET /api/v1/registrants/{id}/findings/":             Rule(A.VIEW_HOUSEHOLD, "registrant"),
    "POST /api/v1/registrants/{id}/findings/":            Rule(A.VIEW_HOUSEHOLD, "registrant", write=A.REVIEW_REGISTRANT),
    # Surveys
    "GET /api/v1/surveys/":                               Rule(A.VIEW_HOUSEHOLD),
    "POST /api/v1/surveys/":                              Rule(A.ENTER_SURVEY, strict=True),
    "GET /api/v1/surveys/{id}/":                          Rule(A.VIEW_HOUSEHOLD, "survey"),
    "POST /api/v1/surveys/{id}/submit/":                  Rule(A.ENTER_SURVEY, "survey"),
    "PATCH /api/v1/surveys/{id}/steps/{step}/":           Rule(A.ENTER_SURVEY, "survey"),
    "GET /api/v1/offline/bundle/":                        Rule(A.ENTER_SURVEY),
    "POST /api/v1/offline/changes/":                      Rule(A.ENTER_SURVEY),
    "POST /api/v1/surveys/{id}/verify/":                  Rule(A.VERIFY_SURVEY, "survey"),
    "POST /api/v1/surveys/{id}/return/":                  Rule(A.VERIFY_SURVEY, "survey"),
    # Referrals (case workers)
    "GET /api/v1/referrals/":                             Rule(CASE_WORKER),
    "POST /api/v1/referrals/":                            Rule(A.PROPOSE_REFERRAL, strict=True),
    "POST /api/v1/referrals/approve-batch/":              Rule(A.APPROVE_REFERRAL, strict=True),
    "GET /api/v1/referrals/{public_id}/":                 Rule(CASE_WORKER, "referral"),
    "POST /api/v1/referrals/{public_id}/submit/":         Rule(CASE_WORKER, "referral", write=A.PROPOSE_REFERRAL),
    "POST /api/v1/referrals/{public_id}/cancel/":         Rule(CASE_WORKER, "referral"),  # either party
    "POST /api/v1/referrals/{public_id}/follow-up/":      Rule(CASE_WORKER, "referral", write=A.PROPOSE_REFERRAL),
    "POST /api/v1/referrals/{public_id}/approve/":        Rule(CASE_WORKER, "referral", write=A.APPROVE_REFERRAL),
    "POST /api/v1/referrals/{public_id}/reject/":         Rule(CASE_WORKER, "referral", write=A.APPROVE_REFERRAL),
    "POST /api/v1/referrals/{public_id}/reroute/":        Rule(CASE_WORKER, "referral", write=A.APPROVE_REFERRAL),
    # Referrals (agency staff: scoped by agency)
    "GET /api/v1/agency-referrals/":                      Rule(A.ACT_ON_REFERRAL),
    "GET /api/v1/agency-referrals/{public_id}/":          Rule(A.ACT_ON_REFERRAL, "agency_referral"),
    "POST /api/v1/agency-referrals/{public_id}/accept/":  Rule(A.ACT_ON_REFERRAL, "agency_referral"),
    "POST /api/v1/agency-referrals/{public_id}/decline/": Rule(A.ACT_ON_REFERRAL, "agency_referral"),
    "POST /api/v1/agency-referrals/{public_id}/start/":   Rule(A.ACT_ON_REFERRAL, "agency_referral"),
    "POST /api/v1/agency-referrals/{public_id}/complete/": Rule(A.ACT_ON_REFERRAL, "agency_referral"),
    # Imports (admins)
    "GET /api/v1/imports/kinds/":                         Rule(A.RUN_IMPORTS),
    "GET /api/v1/imports/jobs/":                          Rule(A.RUN_IMPORTS),
    "POST /api/v1/imports/jobs/":                         Rule(A.RUN_IMPORTS, strict=True),
    "GET /api/v1/imports/jobs/{public_id}/":              Rule(A.RUN_IMPORTS, "import_job"),
    "GET /api/v1/imports/jobs/{public_id}/errors.xlsx":   Rule(A.RUN_IMPORTS, "import_job"),
    "GET /api/v1/imports/jobs/{public_id}/file/":         Rule(A.RUN_IMPORTS, "import_job"),
    # Monitoring roll-ups (small cells protected outside the caller's own work area)
    "GET /api/v1/monitoring/rollups/":                    Rule(A.VIEW_DASHBOARD, strict=True),
    "GET /api/v1/monitoring/agencies/":                   Rule(A.VIEW_DASHBOARD, strict=True),
    "GET /api/v1/monitoring/transitions/":                Rule(A.VIEW_DASHBOARD, strict=True),
    "GET /api/v1/monitoring/reports/":                    Rule(A.VIEW_DASHBOARD),
    "POST /api/v1/monitoring/reports/":                   Rule(A.RUN_REPORTS, strict=True),
    "GET /api/v1/monitoring/reports/{public_id}/":        Rule(A.VIEW_DASHBOARD, "report"),
    "GET /api/v1/monitoring/reports/{public_id}/download/": Rule(A.VIEW_DASHBOARD, "report"),
    # Community master plans: read by VIEW_HOUSEHOLD (scope), written by DRAFT/ENDORSE_MASTER_PLAN
    "GET /api/v1/master-plans/":                          Rule(A.VIEW_HOUSEHOLD),
    "POST /api/v1/master-plans/":                         Rule(A.DRAFT_MASTER_PLAN, strict=True),
    "GET /api/v1/master-plans/budget-totals/":            Rule(A.VIEW_DASHBOARD),
    "GET /api/v1/master-plans/{public_id}/":              Rule(A.VIEW_HOUSEHOLD, "plan"),
    "POST /api/v1/master-plans/{public_id}/refresh/":     Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN),
    "POST /api/v1/master-plans/{public_id}/endorse/":     Rule(A.VIEW_HOUSEHOLD, "plan", do=A.ENDORSE_MASTER_PLAN),
    "POST /api/v1/master-plans/{public_id}/problems/":    Rule(A.VIEW_HOUSEHOLD, "plan", do=A.DRAFT_MASTER_PLAN),
    "GET /api/v1/plan-projects/":                         Rule(A.VIEW_HOUSEHOLD),
    "POST /api/v1/plan-projects/":                        Rule(A.DRAFT_MASTER_PLAN, strict=True),
    "GET /api/v1/plan-projects/{public_id}/":             Rule(A.VIEW_HOUSEHOLD, "project"),
    "PATCH /api/v1/plan-projects/{public_id}/":           Rule(A.VIEW_HOUSEHOLD, "project", do=A.DRAFT_MASTER_PLAN),
    "POST /api/v1/plan-projects/{public_id}/step/":       Rule(A.VIEW_HOUSEHOLD, "project", do=A.DRAFT_MASTER_PLAN),
    # PDPA duties (provincial officers)
    "GET /api/v1/data-requests/":                         Rule(A.HANDLE_DATA_REQUESTS),
    "POST /api/v1/data-requests/":                        Rule(A.HANDLE_DATA_REQUESTS, strict=True),
    "GET /api/v1/data-requests/{public_id}/":             Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "POST /api/v1/data-requests/{public_id}/complete/":   Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "POST /api/v1/data-requests/{public_id}/refuse/":     Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "POST /api/v1/data-requests/{public_id}/correct/":    Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "POST /api/v1/data-requests/{public_id}/withdraw-consent/": Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "POST /api/v1/data-requests/{public_id}/erase/":      Rule(A.HANDLE_DATA_REQUESTS, "data_request"),
    "GET /api/v1/breaches/":                              Rule(A.HANDLE_DATA_REQUESTS),
    "POST /api/v1/breaches/":                             Rule(A.HANDLE_DATA_REQUESTS, strict=True),
    "GET /api/v1/breaches/{public_id}/":                  Rule(A.HANDLE_DATA_REQUESTS, "breach"),
    "POST /api/v1/breaches/{public_id}/steps/":           Rule(A.HANDLE_DATA_REQUESTS, "breach"),
}
# fmt: on
