"""Rank the organizations whose services match a referral, and say why.

Scores are additive and every point comes with a reason a coordinator can read, so the ranking
can be checked by a person and argued with. Only organizations with a service that is available
to the family (in its municipality, region-wide or digitally) and meets at least one of its
challenges or its target group are candidates. `rank` can be narrowed to the services of one
family-centre service area.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.models import (
    Availability,
    LanguageCode,
    ModeCode,
    Organization,
    Service,
    ServiceArea,
)

from .models import ROUTED_STATES, Referral

CHALLENGES_POINTS = 40
TARGET_GROUP_POINTS = 20
LOCAL_POINTS = 15
DIGITAL_POINTS = 8
LANGUAGE_POINTS = 15
LANGUAGE_MISSING_PENALTY = -30
MODE_POINTS = 10
LOAD_PENALTY_MAX = 10
REMOTE_MODES = {ModeCode.PHONE, ModeCode.VIDEO}


@dataclass
class Reason:
    text: str
    points: int


@dataclass
class Candidate:
    organization: Organization
    services: list[Service] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    complete: bool = False
    open_load: int = 0

    @property
    def score(self) -> int:
        return sum(r.points for r in self.reasons)


def _family_language(referral: Referral) -> str:
    return referral.language if referral.language in ("fi", "sv", "en") else "fi"


def rank(referral: Referral, *, service_area: ServiceArea | None = None) -> list[Candidate]:
    """Candidates, best first; ties broken by lower load, then name. With `service_area`, only
    the services of that family-centre service area count."""
    challenges = set(referral.challenges.values_list("pk", flat=True))
    modes = set(referral.preferred_modes.values_list("code", flat=True))
    language = _family_language(referral)
    services = (
        Service.objects.filter(is_active=True, organization__is_active=True)
        .available_in(referral.municipality)
        .filter(Q(challenges__in=challenges) | Q(target_groups=referral.target_group_id))
    )
    if service_area is not None:
        services = services.filter(service_areas=service_area)
    services = (
        services.distinct()
        .select_related("organization")
        .prefetch_related("challenges", "target_groups", "modes", "languages", "municipalities")
    )
    by_org: dict[int, Candidate] = {}
    for service in services:
        by_org.setdefault(service.organization_id, Candidate(service.organization))
        by_org[service.organization_id].services.append(service)
    loads = dict(
        Organization.objects.filter(pk__in=by_org)
        .annotate(n=Count("referrals", filter=Q(referrals__state__in=ROUTED_STATES)))
        .values_list("pk", "n")
    )
    max_load = max(loads.values(), default=0)
    for org_id, candidate in by_org.items():
        candidate.open_load = loads.get(org_id, 0)
        _score(candidate, referral, challenges, modes, language, max_load)
    return sorted(by_org.values(), key=lambda c: (-c.score, c.open_load, c.organization.name))


def _score(candidate, referral, challenges, modes, language, max_load) -> None:
    offered = defaultdict(set)
    local = digital = False
    for service in candidate.services:
        offered["challenges"] |= {c.pk for c in service.challenges.all()}
        offered["groups"] |= {g.pk for g in service.target_groups.all()}
        offered["modes"] |= {m.code for m in service.modes.all()}
        offered["languages"] |= {lang.code for lang in service.languages.all()}
        if service.availability == Availability.DIGITAL:
            digital = True
        else:
            local = True
    reasons = candidate.reasons
    covered = len(challenges & offered["challenges"])
    if challenges:
        reasons.append(
            Reason(
                _("Covers %(covered)s of %(total)s challenges")
                % {"covered": covered, "total": len(challenges)},
                round(CHALLENGES_POINTS * covered / len(challenges)),
            )
        )
    has_group = referral.target_group_id in offered["groups"]
    if has_group:
        reasons.append(Reason(_("Serves the target group"), TARGET_GROUP_POINTS))
    if local:
        reasons.append(
            Reason(_("Available in %(place)s") % {"place": referral.municipality}, LOCAL_POINTS)
        )
    elif digital:
        reasons.append(Reason(_("Available digitally (phone or video)"), DIGITAL_POINTS))
    language_name = str(LanguageCode(language).label).lower()
    has_language = language in offered["languages"]
    if has_language:
        reasons.append(
            Reason(_("Serves in %(language)s") % {"language": language_name}, LANGUAGE_POINTS)
        )
    elif language != "fi":
        reasons.append(
            Reason(
                _("Does not serve in %(language)s") % {"language": language_name},
                LANGUAGE_MISSING_PENALTY,
            )
        )
    mode_ok = not modes or bool(modes & offered["modes"])
    if modes and mode_ok:
        reasons.append(Reason(_("Offers a preferred way to meet"), MODE_POINTS))
    if max_load:
        penalty = -round(LOAD_PENALTY_MAX * candidate.open_load / max_load)
        text = ngettext(
            "%(count)s referral open now", "%(count)s referrals open now", candidate.open_load
        )
        reasons.append(Reason(text % {"count": candidate.open_load}, penalty))
    candidate.complete = (
        covered == len(challenges)
        and has_group
        and (local or bool(modes & REMOTE_MODES) or not modes)
        and (has_language or language == "fi")
        and mode_ok
    )


def clear_match(candidates: list[Candidate]) -> Candidate | None:
    """The single candidate that meets every need, when exactly one does."""
    complete = [c for c in candidates if c.complete]
    return complete[0] if len(complete) == 1 else None
