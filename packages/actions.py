"""Every action on a service package, declared once: pages, the API, notifications, the test
factories and the demo read this registry (see `perhelinja.lifecycle`).

The actions that keep the state (an organization's answer, attributing a referral or an
outreach activity, reporting hours) go through the runner too: each is audited as a
`PackageEvent` and the package's row lock puts concurrent answers one after another.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perhelinja.lifecycle import DANGER, PRIMARY, Action, Registry

from .forms import (
    AnswerForm,
    AttributeForm,
    ComposeForm,
    EvaluateForm,
    HoursForm,
    InviteForm,
    NoteForm,
    ReasonForm,
)
from .models import PackageEvent, ServicePackage

DETAIL = frozenset({"detail"})

# The canonical path from a draft to each state, as action names (test factories, demo).
PATHS = {
    "draft": (),
    "inviting": ("invite",),
    "composed": ("invite", "answer", "compose"),
    "approved": ("invite", "answer", "compose", "approve"),
    "running": ("invite", "answer", "compose", "approve", "start"),
    "closed": ("invite", "answer", "compose", "approve", "start", "close"),
    "evaluated": ("invite", "answer", "compose", "approve", "start", "close", "evaluate"),
    "cancelled": ("invite", "cancel"),
}


def _audit(package, action, *, actor, source, reason, reason_code, before) -> PackageEvent:
    # An organization's own action (its answer, its hours) names the organization.
    organization = None
    if action.name in ("answer", "decline_invitation", "report_hours"):
        organization = getattr(actor, "organization", None)
    return PackageEvent.objects.create(
        package=package,
        actor=actor,
        transition=action.transition,
        from_state=source,
        to_state=package.state,
        reason=reason,
        organization=organization,
    )


def _touch(package: ServicePackage) -> None:
    package.state_changed_at = timezone.now()


PACKAGE_ACTIONS = Registry(
    model=ServicePackage,
    target="package",
    audit=_audit,
    notify="packages.tasks.notify_package_event",
    before_save=_touch,
)
PACKAGE_ACTIONS.add(
    Action(
        name="invite",
        transition="invite",
        title=_("Invite organizations"),
        button=_("Send the invitations"),
        kind=PRIMARY,
        help=_(
            "The organizations whose services match the challenge, best first. Each is asked "
            "what it can contribute."
        ),
        form=InviteForm,
        fields=("organizations", "reason"),
        service="packages.services.package_invite",
        places=DETAIL,
        audience=frozenset({"invited"}),
    ),
    Action(
        name="answer",
        transition="answer",
        title=_("Our contribution"),
        button=_("Send our contribution"),
        kind=PRIMARY,
        help=_(
            "What your organization can do for the package; you can change it until the "
            "package is composed."
        ),
        form=AnswerForm,
        fields=(
            "services",
            "group_sessions",
            "lectures",
            "outreach_events",
            "planned_hours",
            "capacity",
            "reason",
        ),
        service="packages.services.package_answer",
        places=DETAIL,
        audience=frozenset({"coordinators"}),
    ),
    Action(
        name="decline_invitation",
        transition="decline_invitation",
        title=_("We cannot contribute"),
        button=_("Decline the invitation"),
        form=ReasonForm,
        fields=("reason",),
        service="packages.services.package_decline_invitation",
        places=DETAIL,
        audience=frozenset({"coordinators"}),
    ),
    Action(
        name="compose",
        transition="compose",
        title=_("Compose the package"),
        button=_("Send for approval"),
        kind=PRIMARY,
        help=_(
            "The plan and the period; the contributions of the organizations that answered yes "
            "are part of it. The municipality's contact person approves it."
        ),
        form=ComposeForm,
        fields=("plan", "starts_on", "ends_on"),
        service="packages.services.package_compose",
        places=DETAIL,
        audience=frozenset({"contact"}),
    ),
    Action(
        name="approve",
        transition="approve",
        title=_("Approve the package"),
        button=_("Approve"),
        kind=PRIMARY,
        form=NoteForm,
        fields=("reason",),
        service="packages.services.package_approve",
        places=DETAIL,
        audience=frozenset({"coordinators", "contributors"}),
    ),
    Action(
        name="request_changes",
        transition="request_changes",
        title=_("Ask for changes"),
        button=_("Send back for changes"),
        form=ReasonForm,
        fields=("reason",),
        service="packages.services.package_request_changes",
        places=DETAIL,
        audience=frozenset({"coordinators"}),
    ),
    Action(
        name="start",
        transition="start",
        title=_("Start the package"),
        button=_("Start"),
        kind=PRIMARY,
        form=NoteForm,
        fields=("reason",),
        service="packages.services.package_start",
        places=DETAIL,
        audience=frozenset({"contact", "contributors"}),
    ),
    Action(
        name="attribute",
        transition="attribute",
        title=_("Count a referral or an outreach activity in the package"),
        button=_("Add to the package"),
        form=AttributeForm,
        fields=("referral", "activity"),
        service="packages.services.package_attribute",
        places=DETAIL,
    ),
    Action(
        name="report_hours",
        transition="report_hours",
        title=_("Report our hours"),
        button=_("Save the hours"),
        form=HoursForm,
        fields=("hours",),
        service="packages.services.package_report_hours",
        places=DETAIL,
    ),
    Action(
        name="close",
        transition="close",
        title=_("Close the package"),
        button=_("Close"),
        form=NoteForm,
        fields=("reason",),
        help=_("Its report is then final: reach, referrals, feedback and hours."),
        service="packages.services.package_close",
        places=DETAIL,
        audience=frozenset({"contact", "contributors"}),
    ),
    Action(
        name="evaluate",
        transition="evaluate",
        title=_("Record the evaluation"),
        button=_("Save the evaluation"),
        kind=PRIMARY,
        form=EvaluateForm,
        fields=("reason",),
        service="packages.services.package_evaluate",
        places=DETAIL,
        audience=frozenset({"coordinators", "contact", "contributors"}),
    ),
    Action(
        name="cancel",
        transition="cancel",
        title=_("Cancel the package"),
        button=_("Cancel the package"),
        kind=DANGER,
        form=ReasonForm,
        fields=("reason",),
        confirm=_("The package ends for good and the invited organizations are told."),
        service="packages.services.package_cancel",
        places=DETAIL,
        audience=frozenset({"coordinators", "contact", "invited"}),
    ),
)
