"""One transition runner for every state machine, and the registries that declare the actions.

Each domain (`referrals/actions.py`, `appointments/actions.py`) declares its actions once in a
`Registry`: the model transition, the service, the form, the title and button, who is told,
and the effects. Pages, the API, notifications, test factories, the demo and the scale data
read that registry; there is no other table of actions.

`run()` is the only way a state changes (pretix `base/services/orders.py` works the same way):
check permission → `atomic()` + row lock → transition → save → audit row → declared effects →
outbox rows. Effects run inside the transaction, so a failing effect leaves no change behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.module_loading import import_string
from django_fsm import can_proceed

from .fsm import ReadOnlyAsker, check_can_proceed, check_permission, may_run, refusal_reasons
from .outbox import enqueue

PRIMARY, SECONDARY, DANGER = "primary", "secondary", "danger"


@dataclass
class Change:
    """What an effect gets: the locked object after its transition and what it was before."""

    obj: Any
    action: Action
    actor: Any
    event: Any
    before: dict[str, Any]
    reason: str = ""


class Effect:
    """A named consequence of a transition. Its code may live in an app that depends on this
    one (appointments for referrals): that app `implement`s it when it loads, and running an
    effect nobody implemented is an error, never a silent skip."""

    def __init__(self, name: str, doc: str, func: Callable[[Change], None] | None = None):
        self.name, self.doc, self._func = name, doc, func

    def implement(self, func: Callable[[Change], None]) -> Callable[[Change], None]:
        self._func = func
        return func

    def __call__(self, change: Change) -> None:
        if self._func is None:
            raise ImproperlyConfigured(f"The effect {self.name!r} has no implementation.")
        self._func(change)

    def __repr__(self) -> str:
        return f"Effect({self.name!r})"


@dataclass(frozen=True)
class Action:
    """One thing a person (or the system) may do to an object in a state."""

    name: str  # in URLs and the API; the audit rows keep the `transition`
    transition: str  # the model's django-fsm method
    title: Any  # a heading, translated lazily
    button: Any = ""  # the button's text
    kind: str = SECONDARY  # primary / secondary / danger
    confirm: Any = ""  # a danger button asks this before it acts
    help: Any = ""  # what it does, said above its form
    form: type | None = None
    fields: tuple[str, ...] = ()  # what the service takes from the form or the API body
    # The use case, as a dotted path: the services import this registry, not the reverse.
    service: str = ""
    audience: frozenset[str] = frozenset()  # who is told, see the domain's recipients()
    effects: tuple[Effect, ...] = ()
    places: frozenset[str] = frozenset()  # the pages that offer it ("detail", "triage", ...)
    via_link: bool = False  # done by the family through its signed link, not a signed-in actor


@dataclass
class Registry:
    """The actions of one model, and how its audit rows and notifications are written."""

    model: type[models.Model]
    target: str  # the services' keyword for the object: referral=…, appointment=…
    audit: Callable[..., Any]  # (obj, action, actor, source, reason, reason_code, before) → row
    notify: str = ""  # the dotted path of a Celery task taking the audit row's id
    snapshot: Callable[[Any], dict[str, Any]] = field(default=lambda obj: {})
    before_save: Callable[[Any], None] = field(default=lambda obj: None)
    actions: dict[str, Action] = field(default_factory=dict)

    def add(self, *actions: Action) -> None:
        for action in actions:
            if action.name in self.actions:
                raise ImproperlyConfigured(f"Two actions are called {action.name!r}.")
            self.actions[action.name] = action

    def __getitem__(self, name: str) -> Action:
        return self.actions[name]

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions.values())

    def get(self, name: str, *, place: str = "") -> Action | None:
        """The action called `name` (offered on `place`, when given), or None."""
        action = self.actions.get(name)
        return action if action is not None and (not place or place in action.places) else None

    def call(self, name: str, obj: Any, actor: Any, data: dict[str, Any]) -> Any:
        """Run the action's service with what a form or an API body gave."""
        action = self[name]
        if not action.service:
            raise ImproperlyConfigured(f"The action {name!r} has no service.")
        kwargs = {key: data[key] for key in action.fields if key in data}
        return import_string(action.service)(**{self.target: obj}, actor=actor, **kwargs)

    def in_place(self, place: str) -> list[Action]:
        return [a for a in self if place in a.places]

    def by_transition(self, transition: str) -> Action:
        return next(a for a in self if a.transition == transition)

    def available(self, obj: Any, user: Any, actions: Iterable[Action] | None = None) -> list:
        """The actions `user` may take on `obj` now (reading only: one permission read)."""
        asker = user if isinstance(user, ReadOnlyAsker) else ReadOnlyAsker(user)
        found = []
        for action in self if actions is None else actions:
            method = getattr(obj, action.transition)
            # The state first: it costs nothing, where a permission may cost a query.
            if (
                can_proceed(method, check_conditions=False)
                and may_run(method, asker)
                and not refusal_reasons(method)
            ):
                found.append(action)
        return found


def run(
    registry: Registry,
    obj: Any,
    name: str,
    *,
    actor: Any,
    reason: str = "",
    reason_code: str = "",
    args: tuple = (),
    permission_checked: bool = False,
) -> tuple[Any, Any]:
    """Run one action: the only place where a state changes. Returns (object, audit row).

    `permission_checked`: the caller has already decided that `actor` may do this (the system
    acting on a schedule, or a use case whose own right covers it, as a consent's withdrawal
    covers each referral made under it).
    """
    action = registry[name]
    if not permission_checked:
        check_permission(getattr(obj, action.transition), actor)
    with transaction.atomic():
        locked = registry.model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
        method = getattr(locked, action.transition)
        check_can_proceed(method)
        before = {"state": locked.state, **registry.snapshot(locked)}
        method(*args)
        registry.before_save(locked)
        locked.save()
        event = registry.audit(
            locked,
            action,
            actor=actor,
            source=before["state"],
            reason=reason,
            reason_code=reason_code,
            before=before,
        )
        change = Change(
            obj=locked, action=action, actor=actor, event=event, before=before, reason=reason
        )
        for effect in action.effects:
            effect(change)
        if action.audience and registry.notify:
            enqueue(registry.notify, event.pk)
    return locked, event
