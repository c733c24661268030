"""Django's model permissions, as the session remembers them.

`has_perm("referrals.triage_referral")` on the coordinator's pages asked the database twice on
every request (the person's own and their groups' permissions: issue 20). A signed-in request's
user carries the permissions that `two_factor.session_access` read with the roles, and this
backend answers from them; the session reads them anew when the person's groups or
permissions, or a group's permissions, change (`two_factor.access_changed`), or after
ACCESS_RECHECK_SECONDS. A user without remembered permissions (an API token's, a script's, a
superuser's) is answered by Django's ModelBackend as before.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class RememberedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        remembered = getattr(user_obj, "remembered_permissions", None)
        known = remembered() if callable(remembered) else None
        if obj is None and known is not None and user_obj.is_active:
            return set(known)
        return super().get_all_permissions(user_obj, obj)
