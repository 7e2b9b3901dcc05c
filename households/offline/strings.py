"""The words the offline pages' script shows, translated on the server (Thai first) and handed to
static/js/offline_*.js as a JSON data block (no inline script under the CSP)."""

from django.utils.translation import gettext_lazy as _

from ppaos.accounts.policy import Action, role_grants

OFFLINE_STRINGS = {
    "ready": _("Works without a signal"),
    "households_kept": _("households kept"),
    "kept_size": _("kept on this phone"),
    "waiting": _("waiting to be sent"),
    "saved_on_phone": _("Saved on this phone — not sent yet"),
    "sent": _("Sent. The survey is up to date."),
    "offline_now": _("No signal: your work is kept on this phone."),
    "sending": _("Sending…"),
    "kept_household": _("Kept on this phone for work without a signal"),
    "my_work": _("My work on this phone"),
    "households": _("Households"),
    "leads": _("Registry leads to visit"),
    "leads_note": _("Record what you found when you have a signal."),
    "no_leads": _("Nothing left to visit in your areas."),
    "no_households": _(
        "No household is kept yet. Open a household while you have a signal and it is kept here."
    ),
    "house": _("House"),
    "members": _("Members"),
    "age_years": _("age %(age)s years"),
    "survey_round": _("Survey, round %(year)s"),
    "not_started": _("Not started"),
    "start_survey": _("Start this round's survey"),
    "continue_survey": _("Continue the survey"),
    "not_editable": _("This survey can no longer be changed here."),
    "save_next": _("Save and go on"),
    "save_draft": _("Save draft"),
    "previous": _("Back"),
    "step_of": _("Step %(n)s of %(m)s: %(title)s"),
    "required_mark": _("needed to submit"),
    "yes": _("Yes"),
    "no": _("No"),
    "empty": _("(no answer)"),
    "consent_first": _(
        "Record explicit consent on the first step before recording health or disability data."
    ),
    "consent_by_needed": _("Write who gave consent."),
    "amount_invalid": _("Enter an amount in baht, for example 3500."),
    "amount_negative": _("Enter zero or more."),
    "amount_too_big": _("The amount is too large."),
    "date_invalid": _("Enter a date as day/month/year, for example 01/12/2569."),
    "date_future": _("The date of the visit cannot be in the future."),
    "date_round": _("The date of the visit must fall in this round."),
    "too_long": _("This answer is too long."),
    "fix_marked": _("Nothing was saved: please correct the answers marked."),
    "problems": _("Still missing before you can submit"),
    "missing": _("missing"),
    "submit": _("Submit for review"),
    "submit_queued": _("Submit is saved on this phone and will be sent with the answers."),
    "complete": _("Everything is answered. You can submit."),
    "outbox": _("Waiting on this phone"),
    "outbox_empty": _("Nothing is waiting: everything was sent."),
    "send_now": _("Send now"),
    "retry": _("Try again"),
    "discard": _("Delete from this phone"),
    "discard_confirm": _("Delete this change from the phone? It has not been sent."),
    "state_waiting": _("Not sent yet"),
    "state_conflict": _("Changed by someone else meanwhile: choose"),
    "state_refused": _("Refused by the system"),
    "refused_scope": _("This household is no longer in your area, or the survey was removed."),
    "refused_role": _("Your role does not allow this."),
    "sign_in_to_send": _("Sign in again to send what is waiting."),
    "choose": _("See both and choose"),
    "conflict_title": _("Someone changed this survey while you were without a signal"),
    "conflict_intro": _(
        "Both versions are kept. For each answer that differs, choose which one to keep."
    ),
    "field": _("Question"),
    "mine": _("On this phone (yours)"),
    "theirs": _("In the system (newer)"),
    "keep_mine": _("Keep all mine"),
    "keep_theirs": _("Keep all from the system"),
    "save_choice": _("Save my choice"),
    "choose_each": _("Choose a version for every answer that differs."),
    "same": _("same"),
    "conflict_locked": _(
        "The survey was submitted or verified meanwhile and can no longer be changed. Your "
        "answers were kept in the system's record of this change."
    ),
    "last_sync": _("Last brought up to date"),
    "open_online": _("Open the full page"),
    "logout_unsent": _(
        "%(count)s changes on this phone have not been sent and will be deleted. Log out anyway?"
    ),
    "signed_out_keep": _(
        "You are signed out, so the households kept on this phone were removed. "
        "%(count)s changes have not been sent yet: keep them on this phone and send them "
        "after you sign in again? (Cancel deletes them.)"
    ),
    "submitted": _("Submitted"),
    "step_submit": _("Submit"),
    "home": _("Work list"),
}


def offline_context(user) -> dict:
    """For every page: whether this user's phone keeps work for offline use, and the words."""
    if not role_grants(user, Action.ENTER_SURVEY):
        return {"offline_enabled": False}
    return {
        "offline_enabled": True,
        "offline_strings": {key: str(text) for key, text in OFFLINE_STRINGS.items()},
    }
