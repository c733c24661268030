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
from django_fsm import ANY_OTHER_STATE, ANY_STATE, FSMFieldMixin

from .fastpath import object_permission_codenames


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


@cache
def _transitions(model: type, name: str) -> tuple[Any, tuple]:
    """The FSM field of `model`'s transition method `name` and its transitions, one per source
    state, as django-fsm's public `get_all_<field>_transitions()` lists them."""
    for field in model._meta.get_fields():
        if isinstance(field, FSMFieldMixin):
            found = tuple(t for t in field.get_all_transitions(model) if t.name == name)
            if found:
                return field, found
    return None, ()


def _transitions_of(bound_method: Any) -> tuple[Any, tuple]:
    field, found = _transitions(type(bound_method.__self__), bound_method.__name__)
    if not found:
        raise TypeError(f"{bound_method!r} is not a transition")
    return field, found


def _transition_now(bound_method: Any) -> tuple[Any, Any, Any]:
    """The transition `bound_method` would run from the object's state now (None when none
    would), as django-fsm chooses it: the state's own, else one from any state ("*"), else one
    from any other state ("+"); then the field and the state."""
    field, found = _transitions_of(bound_method)
    by_source = {t.source: t for t in found}
    state = field.value_from_object(bound_method.__self__)
    transition = by_source.get(state) or by_source.get(ANY_STATE)
    other = by_source.get(ANY_OTHER_STATE)
    if transition is None and other is not None and other.target != state:
        transition = other
    return transition, field, state


def may_run(bound_method: Any, user: Any) -> bool:
    """Whether `user` holds the permission of this transition on this object, in any state.

    Every source of one transition method shares one permission, so the answer does not depend
    on the current state: that is checked separately, under the row lock.
    """
    _field, found = _transitions_of(bound_method)
    return found[0].has_perm(bound_method.__self__, user)


class ReadOnlyAsker:
    """`user`, answering object permission questions from one read per object.

    Each `user.has_perm(perm, obj)` goes through django-guardian, which reads the grants anew
    (two queries) every time; a page listing the actions one may take asks five to ten times
    about one object. Wrap the user in this while only reading (deciding which actions to
    offer), never around a service that changes permissions: what it read, it keeps.
    The grants are read by `perhelinja.fastpath.object_permission_codenames` (one query).
    """

    def __init__(self, user: Any):
        self._user = user
        self._read: dict[tuple[str, Any], set[str]] = {}  # (model label, pk) -> codenames

    def __getattr__(self, name: str) -> Any:
        return getattr(self._user, name)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        user = self._user
        if obj is None or not user.is_active or user.is_superuser:
            return user.has_perm(perm, obj)  # cached on the user, or answered without a read
        app_label, _dot, codename = perm.rpartition(".")
        if app_label and app_label != obj._meta.app_label:
            return user.has_perm(perm, obj)  # guardian's own answer (an error)
        key = (obj._meta.label, obj.pk)
        if key not in self._read:
            self._read[key] = object_permission_codenames(user, obj)
        return codename in self._read[key]


def check_permission(bound_method: Any, user: Any) -> None:
    if not may_run(bound_method, user):
        raise PermissionDenied(_("You are not allowed to do this."))


def refusal_reasons(bound_method: Any) -> list[str]:
    """Why the transition cannot run now: a wrong state or unmet conditions; [] if it can."""
    transition, field, state = _transition_now(bound_method)
    instance = bound_method.__self__
    if transition is None:
        label = getattr(instance, f"get_{field.name}_display", lambda: state)()
        return [_("This cannot be done while the state is “%(state)s”.") % {"state": label}]
    return [
        str(getattr(c, "message", c.__name__)) for c in transition.conditions if not c(instance)
    ]


def check_can_proceed(bound_method: Any) -> None:
    reasons = refusal_reasons(bound_method)
    if reasons:
        raise TransitionRefused(reasons)
