"""Panels other apps' pages include: a household's referrals (household page) and the follow-up
questions (survey pages). Each reads through the scoped selectors for the signed-in user."""

from django import template

from ppaos.accounts.policy import Action, can

from .. import selectors
from ..forms import FollowUpForm

register = template.Library()


@register.inclusion_tag("referrals/_household_referral_panel.html", takes_context=True)
def household_referral_panel(context, household):
    user = context["request"].user
    visible = selectors.households_for_referrals(user).filter(pk=household.pk).exists()
    return {
        "visible": visible,
        "household": household,
        "may_propose": visible and can(user, Action.PROPOSE_REFERRAL, household),
        "referrals": selectors.referrals_of_household(household) if visible else [],
    }


@register.inclusion_tag("referrals/_follow_up_panel.html", takes_context=True)
def follow_up_panel(context, household):
    request = context["request"]
    awaiting = []
    if can(request.user, Action.PROPOSE_REFERRAL, household):
        for referral in selectors.referrals_awaiting_follow_up(household):
            referral.follow_up_form = FollowUpForm(auto_id=f"id_fu{referral.pk}_%s")
            awaiting.append(referral)
    return {
        "awaiting": awaiting,
        "next_url": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
