from __future__ import annotations

import uuid
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.roles import case_workers
from cases.models import (
    Activity,
    ActivityKind,
    Case,
    CaseFlag,
    Child,
    ClosureCode,
    HouseholdMember,
    PresentingIssue,
)
from cases.models.transfer import TransferConsent
from core.models import Location


def _no_form_tag(form: forms.Form) -> None:
    form.helper = FormHelper()
    form.helper.form_tag = False


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "name",
            "sex",
            "birth_date",
            "birth_date_estimated",
            "location",
            "hukou_status",
            "left_behind",
            "school_status",
            "grade",
            "id_number",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(kind__in=["village", "community"]).order_by("name")
        self.fields["location"].required = True
        _no_form_tag(self)

    def clean_birth_date(self) -> Any:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value


class CaseForm(forms.ModelForm):
    presenting_issues = forms.MultipleChoiceField(
        label=_("presenting issues"),
        choices=PresentingIssue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The first ticked is taken as the primary issue."),
    )
    primary_issue = forms.ChoiceField(
        label=_("primary issue"), choices=[("", "—"), *PresentingIssue.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    risk_reason = forms.CharField(label=_("why the risk level changed"), max_length=300, required=False)

    class Meta:
        model = Case
        fields = ["risk_level", "family_situation", "category", "opened_on", "contract", "household_label"]
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            issues = self.instance.presenting_issues or []
            self.initial.setdefault("presenting_issues", issues)
            self.initial.setdefault("primary_issue", issues[0] if issues else "")
            self.initial["version"] = self.instance.version
        else:
            self.initial.setdefault("opened_on", timezone.localdate())
        _no_form_tag(self)

    def clean_opened_on(self) -> Any:
        value = self.cleaned_data.get("opened_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The opening date cannot be later than today."))
        return value

    def ordered_issues(self) -> list[str]:
        issues = list(self.cleaned_data.get("presenting_issues") or [])
        primary = self.cleaned_data.get("primary_issue")
        if primary:
            issues = [primary] + [i for i in issues if i != primary]
        return issues


class LeadWorkerForm(forms.Form):
    lead_worker = forms.ModelChoiceField(label=_("lead social worker"), queryset=User.objects.none())

    def __init__(self, *args: Any, organisation_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_worker"].queryset = case_workers(organisation_id).order_by("full_name", "username")


class TransferForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("to the organisation"), queryset=User.objects.none())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    consent_basis = forms.ChoiceField(label=_("consent"), choices=TransferConsent.choices)
    consented_by = forms.CharField(
        label=_("who consented"), max_length=200, required=False, help_text=_("e.g. 奶奶 王桂芳")
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from organisations.models import Organisation

        self.fields["organisation"].queryset = (
            Organisation.objects.filter(staff__role=Role.MANAGER, staff__is_active=True)
            .exclude(pk=case.organisation_id)
            .distinct()
            .order_by("name")
        )


class TransferDeclineForm(forms.Form):
    reason = forms.CharField(label=_("reason for declining"), max_length=5000)


class QuickVisitForm(forms.ModelForm):
    # A note queued on a phone with no signal is sent again when the signal returns: recorded once.
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    class Meta:
        model = Activity
        fields = ["kind", "date", "duration_minutes", "participants", "summary", "sensitive"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 1440, "inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("kind", ActivityKind.HOME_VISIT)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("submission_key", uuid.uuid4().hex)
        # Set after the fields are built, so the validators have to be added too (the attributes alone check nothing).
        self.fields["summary"].max_length = 10000
        self.fields["summary"].validators.append(MaxLengthValidator(10000))
        self.fields["duration_minutes"].max_value = 1440
        self.fields["duration_minutes"].validators.append(MaxValueValidator(1440))
        _no_form_tag(self)

    def clean_date(self) -> Any:
        value = self.cleaned_data.get("date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class FlagForm(forms.ModelForm):
    class Meta:
        model = CaseFlag
        fields = ["message", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "status", "is_caregiver", "phone", "notes"]


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("closed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closure_reason = forms.CharField(
        label=_("closure reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    closure_outcome = forms.CharField(
        label=_("closure outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    closure_code = forms.ChoiceField(label=_("why the case closed"), choices=[("", "—"), *ClosureCode.choices])


# The caseload's sortable columns (``?sort=name`` ascending, ``?sort=-name`` descending).
CASELOAD_SORT_COLUMNS = (
    ("name", _("Name")),
    ("number", _("Case number")),
    ("risk", _("Risk level")),
    ("due", _("Next home visit")),
    ("opened", _("Opened on")),
)


class CaseloadFilterForm(forms.Form):
    """The caseload's filters and sort (GET). A value that is not a choice is reported and ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    risk = forms.ChoiceField(label=_("Risk level"), required=False)
    village = forms.TypedChoiceField(label=_("Village"), required=False, coerce=int, empty_value=None)
    due = forms.ChoiceField(label=_("Home visit due"), required=False)

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        from cases.choices import OPEN_STATUSES, RiskLevel

        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        fields: dict[str, Any] = self.fields
        fields["status"].choices = [everything, *[(s.value, s.label) for s in OPEN_STATUSES]]
        fields["risk"].choices = [everything, *RiskLevel.choices]
        fields["village"].choices = [everything, *[(v.pk, v.name) for v in villages]]
        fields["due"].choices = [
            everything,
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("week", _("Due in the next 7 days")),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else ("form-control form-control-sm")
            )

    def filters(self) -> Any:
        """The valid part of what was asked, as ``cases.selectors.CaseloadFilters``."""
        from cases.selectors import CASELOAD_SORTS, CaseloadFilters

        self.is_valid()
        data = self.cleaned_data
        return CaseloadFilters(
            status=data.get("status") or "",
            risk=data.get("risk") or "",
            village=data.get("village"),
            due=data.get("due") or "",
            query=(data.get("q") or "").strip(),
            sort=sort if (sort := self.data.get("sort", "")).removeprefix("-") in CASELOAD_SORTS else "",
        )
