"""Helpers around django-fsm shared by the referral and appointment services.

django-fsm never checks a transition's permission when the method is called, and it reports a
refused transition without saying why; these helpers give the services both answers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class TransitionRefused(Exception):
    """The object is not in a state (or condition) that allows the transition.

    Carries translated, user-facing messages; the API answers it with 409.
    """

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


def condition(message: str) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Attach a user-facing message to a django-fsm condition function."""

    def decorate(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        func.message = message  # type: ignore[attr-defined]
        return func

    return decorate


def _meta(bound_method: Any):
    meta = getattr(bound_method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{bound_method!r} is not a transition")
    return meta


def may_run(bound_method: Any, user: Any) -> bool:
    """Whether `user` holds the permission of this transition on this object, in any state.

    Every source of one transition method shares one permission, so the answer does not depend
    on the current state: that is checked separately, under the row lock.
    """
    transition = next(iter(_meta(bound_method).transitions.values()))
    return transition.has_perm(bound_method.__self__, user)


class ReadOnlyAsker:
    """`user`, answering object permission questions from one read per object.

    Each `user.has_perm(perm, obj)` goes through django-guardian, which reads the grants anew
    (two queries) every time; a page listing the actions one may take asks five to ten times
    about one object. Wrap the user in this while only reading (deciding which actions to
    offer), never around a service that changes permissions: what it read, it keeps.
    """

    def __init__(self, user: Any):
        self._user = user
        self._checker = _one_read_checker()(user)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._user, name)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if obj is None:
            return self._user.has_perm(perm)  # model-level: cached on the user by Django
        return self._user.is_active and self._checker.has_perm(perm, obj)


@cache
def _one_read_checker() -> type:
    """guardian's checker, reading a person's own and their groups' grants on an object in one
    query (a UNION of two index lookups) where guardian sends two. Built on first use: guardian
    imports models, which this module must not do while the apps load."""
    from guardian.conf import settings as guardian_settings
    from guardian.core import ObjectPermissionChecker

    class OneReadChecker(ObjectPermissionChecker):
        def get_perms(self, obj: Any) -> list[str]:
            user, key = self.user, self.get_local_cache_key(obj)
            if (
                key not in self._obj_perms_cache
                and user is not None
                and user.is_active
                and not user.is_superuser
                and not guardian_settings.AUTO_PREFETCH
            ):
                self._obj_perms_cache[key] = _codenames(user, obj)
            return super().get_perms(obj)

    def _codenames(user: Any, obj: Any) -> list[str]:
        """The person's own and their groups' grants on `obj`, the UNION's SQL compiled once
        per model and content type (`perhelinja.compiled`)."""
        from guardian.ctypes import get_content_type

        from perhelinja.compiled import compiled_rows

        model = type(obj)

        def build(keys: list[int]):
            stand_in = ObjectPermissionChecker(user._meta.model(pk=keys[0], is_active=True))
            target = model(pk=keys[1])
            own = stand_in.get_user_perms(target).order_by()
            return own.union(stand_in.get_group_perms(target).order_by())

        if type(user.pk) is int and type(obj.pk) is int and model not in _uncompiled:
            try:
                # The content type's id is a constant of the SQL: part of the name it is kept by.
                name = f"perms:{model._meta.label}:{get_content_type(obj).pk}"
                rows = compiled_rows(name, build, [user.pk, obj.pk], model=model)
                return list({row["codename"] for row in rows})
            except ValueError:  # keys not plain parameters (generic object permissions)
                _uncompiled.add(model)
        checker = ObjectPermissionChecker(user)
        own = checker.get_user_perms(obj).order_by()
        return list(set(own.union(checker.get_group_perms(obj).order_by())))

    _uncompiled: set = set()

    return OneReadChecker


def check_permission(bound_method: Any, user: Any) -> None:
    if not may_run(bound_method, user):
        raise PermissionDenied(_("You are not allowed to do this."))


def refusal_reasons(bound_method: Any) -> list[str]:
    """Why the transition cannot run now: a wrong state or unmet conditions; [] if it can."""
    meta = _meta(bound_method)
    instance = bound_method.__self__
    state = meta.field.get_state(instance)
    transition = meta.get_transition(state) if meta.has_transition(state) else None
    if transition is None:
        label = getattr(instance, f"get_{meta.field.name}_display", lambda: state)()
        return [_("This cannot be done while the state is “%(state)s”.") % {"state": label}]
    return [
        str(getattr(c, "message", c.__name__)) for c in transition.conditions if not c(instance)
    ]


def check_can_proceed(bound_method: Any) -> None:
    reasons = refusal_reasons(bound_method)
    if reasons:
        raise TransitionRefused(reasons)
