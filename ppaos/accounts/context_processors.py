from .selectors import next_steps_for


def navigation(request):
    """The navigation entries for the signed-in user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from referrals.selectors import unread_notification_count

    return {
        "nav_items": next_steps_for(user),
        "unread_notifications": unread_notification_count(user),
    }
