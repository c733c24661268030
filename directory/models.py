"""Who and where: municipalities, organizations and their service catalogue, reception sites, users.

Target groups, challenges, outcome themes and family-centre service areas are taxonomies kept
as rows so that coordinators can maintain them in the admin; modes and languages drive
behaviour, so their codes are fixed in code and their rows exist only to make many-to-many
filtering uniform. A municipality's `language` says whether it is bilingual.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The three roles; each is a Django group of the same name."""

    PROFESSIONAL = "municipal_professional", _("Municipal professional")
    WORKER = "organization_worker", _("Organization worker")
    COORDINATOR = "coordinator", _("Coordinator")


class Unit(models.TextChoices):
    FAMILY_CENTRE = "family_centre", _("Family centre")
    CHILD_HEALTH_CLINIC = "child_health_clinic", _("Child health clinic")
    SCHOOL_WELFARE = "school_welfare", _("School welfare")
    EARLY_FAMILY_WORK = "early_family_work", _("Early family work")
    OTHER = "other", _("Other unit")


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    BILINGUAL = "bilingual", _("Bilingual (Finnish and Swedish)")


class ModeCode(models.TextChoices):
    RECEPTION = "reception", _("Reception visit")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    HOME_VISIT = "home_visit", _("Home visit")


class LanguageCode(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Availability(models.TextChoices):
    REGION = "region", _("Whole region")
    MUNICIPALITIES = "municipalities", _("Listed municipalities")
    DIGITAL = "digital", _("Digital (anywhere)")


def translated(obj: object, field: str) -> str:
    """The `<field>_<lang>` value for the active language, falling back to Finnish."""
    lang = (get_language() or "fi")[:2]
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_fi")


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=3, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    language = models.CharField(
        _("service language"), max_length=10, choices=ServiceLanguage.choices
    )
    swedish_majority = models.BooleanField(
        _("Swedish-speaking majority"),
        default=False,
        help_text=_("Offer Swedish first, e.g. in Kemiönsaari."),
    )
    is_pilot = models.BooleanField(_("pilot area"), default=False)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_sv if (get_language() or "fi")[:2] == "sv" else self.name_fi


class Term(models.Model):
    """A taxonomy entry with names in the three interface languages."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=120)
    name_sv = models.CharField(_("name in Swedish"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Challenge(Term):
    class Meta(Term.Meta):
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")


class OutcomeTheme(Term):
    class Meta(Term.Meta):
        verbose_name = _("outcome theme")
        verbose_name_plural = _("outcome themes")


class ServiceArea(Term):
    """A service area of the family-centre model (perhekeskus) as THL describes it; the list
    comes from `directory/data/service_areas.json`, which names its source."""

    class Meta(Term.Meta):
        verbose_name = _("family-centre service area")
        verbose_name_plural = _("family-centre service areas")


class Mode(models.Model):
    """A way a session is held; rows are created by a migration from `ModeCode`."""

    code = models.CharField(_("code"), max_length=20, primary_key=True, choices=ModeCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("mode")
        verbose_name_plural = _("modes")

    def __str__(self) -> str:
        return str(ModeCode(self.code).label)


class Language(models.Model):
    """A language a service is given in; rows are created by a migration."""

    code = models.CharField(_("code"), max_length=2, primary_key=True, choices=LanguageCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return str(LanguageCode(self.code).label)


class Organization(models.Model):
    """An NGO. Its workers share one group, which holds the object permissions of its referrals."""

    name = models.CharField(_("name"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, editable=False, related_name="organization"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        if (get_language() or "fi")[:2] == "sv" and self.name_sv:
            return self.name_sv
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:60]
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"organization:{self.slug}")
        super().save(*args, **kwargs)


class ServiceQuerySet(models.QuerySet):
    def available_in(self, municipality: Municipality) -> ServiceQuerySet:
        """Services a family living in `municipality` can use."""
        return self.filter(
            models.Q(availability__in=[Availability.REGION, Availability.DIGITAL])
            | models.Q(availability=Availability.MUNICIPALITIES, municipalities=municipality)
        ).distinct()


class Service(models.Model):
    """An entry of the NGOs' service catalogue (palvelupaketti)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organization"),
    )
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_fi = models.TextField(_("description in Finnish"))
    description_sv = models.TextField(_("description in Swedish"))
    description_en = models.TextField(_("description in English"), blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="services", verbose_name=_("target groups")
    )
    challenges = models.ManyToManyField(
        Challenge, related_name="services", verbose_name=_("challenges")
    )
    service_areas = models.ManyToManyField(
        ServiceArea,
        blank=True,
        related_name="services",
        verbose_name=_("family-centre service areas"),
        help_text=_("The areas of the family-centre model the service belongs to."),
    )
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.REGION,
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="services",
        verbose_name=_("municipalities"),
        help_text=_("Only for services available in listed municipalities."),
    )
    modes = models.ManyToManyField(Mode, related_name="services", verbose_name=_("modes"))
    languages = models.ManyToManyField(
        Language, related_name="services", verbose_name=_("languages")
    )
    url = models.URLField(_("link"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "name_fi"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")


class ReceptionSite(models.Model):
    """A place (library, family centre) where reception days are held."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="reception_sites",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Accessibility, parking, how to find the room.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["municipality__name_fi", "name"]
        verbose_name = _("reception site")
        verbose_name_plural = _("reception sites")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_site_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class User(AbstractUser):
    """A person who logs in; the role is the group, the affiliation is on the user."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
        help_text=_("For municipal professionals."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=30,
        choices=Unit.choices,
        blank=True,
        help_text=_("For municipal professionals."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("organization"),
        help_text=_("For organization workers."),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=LanguageCode.choices,
        default=LanguageCode.FINNISH,
        help_text=_("Language of the messages the system sends to this person."),
    )
    # Who the person is at the organization's identity provider (single sign-on, directory/oidc.py):
    # the stable claim (`sub` by default) the provider vouches for; empty for local accounts.
    oidc_subject = models.CharField(
        _("single sign-on identifier"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "The person's identifier at the organization's identity provider. "
            "Empty: the person logs in with a username and password only."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def has_role(self, role: Role) -> bool:
        return self.is_active and role.value in self.group_names()

    def group_names(self) -> frozenset[str]:
        """The names of the person's groups (the roles and the organization's group), read once
        per instance; a signed-in request takes them from the session instead
        (directory.two_factor.session_access)."""
        return frozenset(self.groups_by_name())

    def group_ids(self) -> frozenset[int]:
        """The keys of the person's groups, read with their names: object permissions are
        looked up by them (a key the query planner can count, where a join cannot be)."""
        return frozenset(self.groups_by_name().values())

    def groups_by_name(self) -> dict[str, int]:
        """The person's groups, name: key, read once per instance (or remembered)."""
        groups = self.__dict__.get("_groups_by_name")
        if groups is None:
            groups = dict(self.groups.values_list("name", "pk"))
            self.__dict__["_groups_by_name"] = groups
        return groups

    def remember_groups(self, groups: dict[str, int]) -> None:
        """Use `groups` (name: key), read earlier, instead of reading them again."""
        self.__dict__["_groups_by_name"] = dict(groups)

    def remember_permissions(self, permissions) -> None:
        """Use `permissions` ("app.codename", read earlier) as the person's model permissions
        (directory.backends.RememberedPermissionsBackend); None: read them when asked."""
        self.__dict__["_remembered_permissions"] = (
            None if permissions is None else frozenset(permissions)
        )

    def remembered_permissions(self) -> frozenset[str] | None:
        return self.__dict__.get("_remembered_permissions")

    @property
    def is_professional(self) -> bool:
        return self.has_role(Role.PROFESSIONAL)

    @property
    def is_worker(self) -> bool:
        return self.has_role(Role.WORKER) and self.organization_id is not None

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(Role.COORDINATOR)

    def save(self, *args, **kwargs) -> None:
        """Keep the organization group in step with `organization`."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "organization" not in update_fields:
            super().save(*args, **kwargs)
            return
        old_org_id = None
        if self.pk:
            old_org_id = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("organization_id", flat=True)
                .first()
            )
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_org_id != self.organization_id:
                if old_org_id:
                    self.groups.remove(Organization.objects.get(pk=old_org_id).group)
                if self.organization_id:
                    self.groups.add(self.organization.group)
        self.__dict__.pop("_groups_by_name", None)
