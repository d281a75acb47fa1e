from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Category, Sex
from core.models import Location
from programmes.models import Programme
from referrals.models import Indicator, Urgency
from registry.models import (
    CategoryRule,
    ChildType,
    ClaimStatus,
    EntitlementCode,
    EvidenceKind,
    EvidenceStatus,
    HotlineLine,
    IdentificationStage,
    IdentificationStatus,
    LeaveReason,
)
from registry.permissions import director_village_ids, sees_all_files


def _helper(label: Any) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_class="btn-lg w-100"))
    return helper


class _SubmitForm(forms.Form):
    """A form with one large submit button labelled ``submit_label``."""

    submit_label: Any = _("Save")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(self.submit_label)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ChildFileForm(forms.Form):
    name = forms.CharField(label=_("Child's name"), max_length=100)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[(Sex.FEMALE, Sex.FEMALE.label), (Sex.MALE, Sex.MALE.label)], widget=forms.RadioSelect
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput)
    location = forms.ModelChoiceField(label=_("Village / community"), queryset=Location.objects.none())
    child_type = forms.ChoiceField(label=_("Child type"), choices=ChildType.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label=_("Kind of need"), choices=Category.choices, initial=Category.NONE, widget=forms.RadioSelect
    )
    left_behind = forms.BooleanField(label=_("Parents work away from home (left-behind)"), required=False)
    guardian_situation = forms.CharField(
        label=_("Who looks after the child, and how are they?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = Location.objects.filter(kind__in=["village", "community"]).order_by("name")
        if not sees_all_files(user):
            places = places.filter(pk__in=director_village_ids(user))
        self.fields["location"].queryset = places
        if places.count() == 1 and not self.is_bound:
            self.fields["location"].initial = places.first().pk
        self.helper = _helper(_("Register the child"))


class ChildFileEditForm(ChildFileForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["submission_key"]
        self.fields["sex"].choices = Sex.choices
        self.helper = _helper(_("Save"))


class LeaveForm(_SubmitForm):
    leave_reason = forms.ChoiceField(label=_("Why does the file leave the register?"), choices=LeaveReason.choices)
    left_on = forms.DateField(label=_("Since"), widget=DateInput, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    submit_label = _("Take off the register")


class EscalateForm(_SubmitForm):
    concerns = forms.CharField(label=_("What worries you?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    urgency = forms.ChoiceField(
        label=_("How urgent?"), choices=Urgency.choices, initial=Urgency.SOON, widget=forms.RadioSelect
    )
    indicators = forms.MultipleChoiceField(
        label=_("What did you see?"), choices=Indicator.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    submit_label = _("Send to the social workers")


class ClaimForm(_SubmitForm):
    code = forms.ChoiceField(label=_("Entitlement"), choices=EntitlementCode.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ClaimStatus.choices)
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput, required=False)
    monthly_amount = forms.DecimalField(
        label=_("Monthly amount (yuan)"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class IdentificationForm(_SubmitForm):
    status = forms.ChoiceField(label=_("Status"), choices=IdentificationStatus.choices)
    blocked_at = forms.ChoiceField(
        label=_("Blocked at"), choices=[("", "---------"), *IdentificationStage.choices], required=False
    )
    blocked_reason = forms.CharField(
        label=_("Why it is blocked"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class EvidenceForm(_SubmitForm):
    kind = forms.ChoiceField(label=_("Evidence"), choices=EvidenceKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=EvidenceStatus.choices)
    obtained_on = forms.DateField(label=_("Obtained on"), widget=DateInput, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CategoryRuleForm(forms.ModelForm):
    class Meta:
        model = CategoryRule
        fields = ["child_type", "category", "entitlement", "monthly_amount", "note", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class HotlineCallForm(_SubmitForm):
    line = forms.ChoiceField(label=_("Line"), choices=HotlineLine.choices)
    work_order = forms.CharField(label=_("Work-order number"), max_length=50, required=False)
    caller_name = forms.CharField(label=_("Caller"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=30, required=False)
    child_name = forms.CharField(label=_("Child's name"), max_length=100)
    child_sex = forms.ChoiceField(label=_("Child's sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    child_age = forms.IntegerField(label=_("Child's age"), min_value=0, max_value=25, required=False)
    location = forms.ModelChoiceField(
        label=_("Village / community"),
        queryset=Location.objects.filter(kind__in=["village", "community"]).order_by("name"),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)

    submit_label = _("Record the call")


class CallCloseForm(forms.Form):
    answer = forms.CharField(label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


def today() -> Any:
    return timezone.localdate()


class ProgrammePlaceForm(forms.Form):
    """Put a register child on a group programme (the programmes of the user's organisation, not ended)."""

    programme: forms.ModelChoiceField = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("programme"))
    joined_on = forms.DateField(label=_("joined on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from registry.roster import programmes_open_to

        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_open_to(user)  # type: ignore[attr-defined]
        self.fields["joined_on"].initial = timezone.localdate()


class PlaceProfileForm(forms.Form):
    """A register pupil's profile on a classroom: school, grade and the subjects needing support."""

    school = forms.CharField(label=_("school"), max_length=200, required=False)
    grade = forms.CharField(label=_("grade"), max_length=50, required=False)
    subjects_needing_support = forms.CharField(label=_("subjects needing support"), max_length=300, required=False)
