from .selectors import next_steps_for

# Navigation counts the apps add (e.g. referrals: unread notifications): callables taking the
# signed-in user and returning template context, registered from an AppConfig.ready() with
# `add_navigation_context`, so this core module imports no app.
_NAVIGATION_CONTEXT = []


def add_navigation_context(provider) -> None:
    """Add `provider(user) -> dict` to every page's navigation context (once per provider)."""
    if provider not in _NAVIGATION_CONTEXT:
        _NAVIGATION_CONTEXT.append(provider)


def navigation(request):
    """The navigation entries for the signed-in user's roles, and the apps' counts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    context = {"nav_items": next_steps_for(user)}
    for provider in _NAVIGATION_CONTEXT:
        context.update(provider(user))
    return context
