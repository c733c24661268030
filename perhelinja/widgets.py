"""A choice among thousands (every municipality, organization or service of Finland) as a search
box and a short list of radio buttons, in place of a `<select>` of every row.

Without JavaScript it is a plain GET form: type part of a name and send; one match is chosen,
several are listed as radio buttons (the first `LIMIT`) to choose from and send again. With
htmx the list follows the typing (`perhelinja.lookups`, URL name `lookup`). The submitted value
is the row's key (`<name>=<key>`), as a `<select>` sent it, so existing links keep working;
the search text travels as `<name>_q`.

Accessibility (WCAG 2.1 AA): the search box is the field's labelled control (the form's
`<label for>`), with a hint; the choices are native radio buttons in a `<fieldset>` with a
`<legend>`; the number of matches is a status message (`role="status"`, 4.1.3); only native
controls, so no keyboard trap. Django's template engine renders it (escaped): no `mark_safe`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms.utils import flatatt
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

LIMIT = 20  # choices listed at once: a short list to read and to move through with the keys
SEARCH_SUFFIX = "_q"


@dataclass(frozen=True)
class Lookup:
    """Rows to search by name: `model`'s rows (narrowed by `filters`), their submitted value
    `key`, their label in the reader's language (`names[language]`, else `fallback`) and an
    optional `detail` (a related name) that tells apart rows of the same name."""

    name: str  # the lookup's part of its URL
    model: str  # "app_label.ModelName"
    key: str
    fallback: str
    names: dict[str, str] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    def queryset(self) -> QuerySet:
        return apps.get_model(self.model)._default_manager.filter(**self.filters)

    def _label(self, row: dict) -> str:
        own = self.names.get((get_language() or "fi")[:2])
        label = (row[own] if own else "") or row[self.fallback]
        return f"{label} – {row[self.detail]}" if self.detail and row[self.detail] else label

    def _choices(self, queryset: QuerySet, limit: int | None = None) -> list[tuple[str, str]]:
        columns = [self.key, self.fallback, *self.names.values()]
        rows = queryset.order_by(self.fallback, self.key).values(
            *columns, *([self.detail] if self.detail else [])
        )
        return [(str(row[self.key]), self._label(row)) for row in rows[:limit]]

    def matching(self, text: str) -> QuerySet:
        """The rows whose name (in any language) holds `text`."""
        query = Q()
        for name in (self.fallback, *self.names.values()):
            query |= Q(**{f"{name}__icontains": text})
        return self.queryset().filter(query)

    def search(self, text: str) -> tuple[list[tuple[str, str]], bool]:
        """(value, label) of the first LIMIT rows matching `text`, and whether more match."""
        found = self._choices(self.matching(text), LIMIT + 1)
        return found[:LIMIT], len(found) > LIMIT

    def choice(self, value: Any) -> tuple[str, str] | None:
        """(value, label) of the row whose key is `value`, or None."""
        if value in (None, ""):
            return None
        try:
            found = self._choices(self.queryset().filter(**{self.key: value}))
        except (ValueError, TypeError, ValidationError):
            return None
        return found[0] if found else None

    def row(self, value: str) -> Model:
        return self.queryset().get(**{self.key: value})

    def url(self) -> str:
        """The search's URL, or "" while `perhelinja.lookup_urls` is not included (the field
        works without it, as without JavaScript)."""
        try:
            return reverse("lookup:search", args=[self.name])
        except NoReverseMatch:
            return ""


MUNICIPALITIES = Lookup(
    name="municipality",
    model="directory.Municipality",
    key="code",
    fallback="name_fi",
    names={"sv": "name_sv"},
)
ORGANIZATIONS = Lookup(
    name="organization",
    model="directory.Organization",
    key="pk",
    fallback="name",
    names={"sv": "name_sv"},
)
SERVICES = Lookup(
    name="service",
    model="directory.Service",
    key="pk",
    fallback="name_fi",
    names={"sv": "name_sv", "en": "name_en"},
    filters={"is_active": True},
    detail="organization__name",
)
LOOKUPS = {lookup.name: lookup for lookup in (MUNICIPALITIES, ORGANIZATIONS, SERVICES)}


@dataclass(frozen=True)
class Sent:
    """What a lookup field's two controls sent: the chosen key (the radio button) and the
    search text (None when the search box was not sent, as from a link `?organization=12`)."""

    chosen: str
    text: str | None


def _key(value: Any, lookup: Lookup) -> str:
    if isinstance(value, Model):
        value = getattr(value, lookup.key)
    return "" if value is None else str(value)


def found_context(lookup: Lookup, sent: Sent, *, fixed_values: set[str], id_: str) -> dict:
    """The radio buttons of the rows matching the text sent (or of the chosen row, when no
    text was), and the status message saying how many matched."""
    chosen, text = sent.chosen, (sent.text or "").strip()
    more, status = False, ""
    if text:
        found, more = lookup.search(text)
        if not found:
            status = _("Nothing matches “%(text)s”.") % {"text": text}
        elif more:
            status = _(
                "More than %(limit)s match “%(text)s”; the first %(limit)s are listed. Type "
                "more of the name to narrow the list."
            ) % {"limit": LIMIT, "text": text}
        else:
            status = ngettext(
                "%(count)s name matches “%(text)s”: it is chosen below.",
                "%(count)s names match “%(text)s”: choose one below.",
                len(found),
            ) % {"count": len(found), "text": text}
        if len(found) == 1:
            chosen = found[0][0]  # the one match is the choice
    else:
        one = lookup.choice(chosen) if chosen not in fixed_values else None
        found = [one] if one else []
    options = [
        {"value": value, "label": label, "id": f"{id_}_m{index}", "checked": value == chosen}
        for index, (value, label) in enumerate(found)
    ]
    return {"found": options, "status": status, "id": id_}


class LookupWidget(forms.Widget):
    """The search box (`<name>_q`, the field's labelled control) and the radio buttons
    (`<name>`) of a `LookupChoiceField`."""

    template_name = "perhelinja/widgets/lookup.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.lookup: Lookup | None = None  # set by the field, as `fixed` and `label`
        self.fixed: list[tuple[str, str]] = []
        self.label = ""

    def value_from_datadict(self, data, files, name):
        return Sent(chosen=data.get(name) or "", text=data.get(name + SEARCH_SUFFIX))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + SEARCH_SUFFIX not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        if not isinstance(value, Sent):  # unbound: the initial key, or a row
            value = Sent(chosen=_key(value, self.lookup), text=None)
        widget = context["widget"]
        own_id = widget["attrs"].setdefault("id", f"id_{name}")
        fixed_values = {str(v) for v, _label in self.fixed}
        found = found_context(self.lookup, value, fixed_values=fixed_values, id_=own_id)
        checked = {o["value"] for o in found["found"] if o["checked"]}
        fixed = [
            {
                "value": str(v),
                "label": str(label),
                "id": f"{own_id}_f{index}",
                "checked": str(v) == value.chosen and not checked,
            }
            for index, (v, label) in enumerate(self.fixed)
        ]
        untouched = not checked and not (value.text or "").strip()
        if fixed and untouched and not any(o["checked"] for o in fixed):
            fixed[0]["checked"] = True  # nothing (or an unknown key) chosen
        shown = value.text
        if shown is None or (not shown.strip() and checked):
            shown = next((o["label"] for o in found["found"] if o["checked"]), "")
        attrs = widget["attrs"]
        described = [attrs.get("aria-describedby", ""), f"{own_id}_hint", f"{own_id}_status"]
        attrs["aria-describedby"] = " ".join(filter(None, described))
        attrs["autocomplete"] = "off"
        url = self.lookup.url()
        if url:  # the list follows the typing (htmx); the form works the same without
            attrs.update(
                {
                    "hx-get": f"{url}?{urlencode({'field': name, 'id': own_id})}",
                    "hx-trigger": "input changed delay:300ms, search",
                    "hx-target": f"#{own_id}_found",
                    "hx-include": f"[name='{name}']:checked",
                    "hx-sync": "this:replace",
                    # Not what an htmx form around it would pass down to it.
                    "hx-swap": "innerHTML",
                    "hx-select": "unset",
                    "hx-select-oob": "unset",
                    "hx-push-url": "false",
                    "hx-params": "*",
                    "hx-vals": "unset",
                }
            )
        widget.update(
            search_name=name + SEARCH_SUFFIX,
            search_value=shown,
            fixed=fixed,
            legend=_("%(label)s: choose") % {"label": self.label} if self.label else _("Choose"),
            **found,
        )
        return context


class LookupChoiceField(forms.Field):
    """A choice among `lookup`'s rows (and the `fixed` choices listed first), made with a
    `LookupWidget`. Cleans to the row (`as_object=True`; None for the empty choice) or to its
    key as text; a fixed choice cleans to its value.

    The radio button sent wins while the search text is empty, or when the chosen row is
    among the rows the text matches (as when the text was left as shown); else the text picks
    the row when exactly one matches, and otherwise the form asks to choose among the matches
    it lists."""

    widget = LookupWidget
    default_error_messages = {
        "none": _("Nothing matches “%(text)s”."),
        "several": _("Several match “%(text)s”: choose one of them."),
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(
        self,
        *,
        lookup: Lookup,
        fixed: list[tuple[str, str]] | None = None,
        as_object: bool = False,
        **kwargs,
    ):
        self.lookup, self.as_object = lookup, as_object
        self.fixed = list(fixed if fixed is not None else [("", _("All"))])
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.lookup, self.widget.fixed, self.widget.label = lookup, self.fixed, self.label

    def to_python(self, value):
        if not isinstance(value, Sent):
            value = Sent(chosen=_key(value, self.lookup), text=None)
        fixed = {str(v) for v, _label in self.fixed}
        chosen, text = value.chosen, (value.text or "").strip()
        if not text:
            if chosen and chosen not in fixed and self.lookup.choice(chosen) is None:
                raise ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
            return self._result(chosen, fixed)
        found, _more = self.lookup.search(text)
        if chosen and chosen not in fixed and chosen in {value for value, _label in found}:
            return self._result(chosen, fixed)
        if len(found) == 1:
            return self._result(found[0][0], fixed)
        code = "none" if not found else "several"
        raise ValidationError(self.error_messages[code], code, params={"text": text})

    def _result(self, value: str, fixed: set[str]):
        if not self.as_object or value in fixed:
            return value if value or not self.as_object else None
        return self.lookup.row(value) if value else None


# --- radio buttons and checkboxes in one template ----------------------------------------------


class _OneTemplate:
    """Django's choice widget, its options written by one template where Django's own renders
    three templates for each option and loops over each option's attributes in the template
    language (on a page of 20 free times that cost milliseconds): each option's attributes
    are rendered once, by Django's `flatatt`. tests/test_widgets.py compares the markup with
    Django's own."""

    template_name = "perhelinja/widgets/multiple_input.html"

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        value = {} if option["value"] is None else {"value": str(option["value"])}
        option["input_attrs"] = flatatt(
            {"type": option["type"], "name": option["name"], **value, **option["attrs"]}
        )
        option["label_attrs"] = flatatt({"for": option["attrs"].get("id") or None})
        return option


class OneTemplateRadioSelect(_OneTemplate, forms.RadioSelect):
    pass


class OneTemplateCheckboxSelectMultiple(_OneTemplate, forms.CheckboxSelectMultiple):
    pass


class OneTemplateSelect(forms.Select):
    """Django's select, its options written by one template (Django's includes two templates
    for each option: a list filter's fourteen states cost most of the filter form). Each
    option's attributes are rendered once, by `flatatt`; tests/test_widgets.py compares the
    markup with Django's own."""

    template_name = "perhelinja/widgets/select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["flat_attrs"] = flatatt(context["widget"]["attrs"])
        return context

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["option_attrs"] = flatatt({"value": str(option["value"]), **option["attrs"]})
        return option
