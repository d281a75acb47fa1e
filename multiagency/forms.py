from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from multiagency.models import (
    CaseConference,
    ForensicInterview,
    JointNote,
    JointTask,
    Milestone,
    Partner,
    TaskStatus,
)
from multiagency.permissions import JointAccess
from organisations.models import Organisation


class JointCaseOpenForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=40)
    summary = forms.CharField(
        label=_("Summary for the partners"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the partner agencies need to know. Every partner reads it; write no more than they need."),
    )


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])  # ModelMultipleChoiceField is one too


def _agencies(access: JointAccess) -> Any:
    joint = access.joint
    ids = [
        joint.case.organisation_id,
        *joint.partners.filter(left_on__isnull=True).values_list("organisation_id", flat=True),
    ]
    return Organisation.objects.filter(pk__in=ids)


class PartnerInviteForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["organisation", "role", "scope"]
        widgets = {"scope": forms.RadioSelect}

    def __init__(self, *args: Any, access: JointAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on_case = _agencies(access).values("pk")
        _choices(self, "organisation").queryset = Organisation.objects.exclude(pk__in=on_case)


class TaskForm(forms.ModelForm):
    class Meta:
        model = JointTask
        fields = ["organisation", "service", "title", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, access: JointAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = _agencies(access)
        if not access.manages:
            agencies = agencies.filter(pk=access.organisation_id)
        _choices(self, "organisation").queryset = agencies


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=TaskStatus.choices)
    outcome = forms.CharField(
        label=_("outcome"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.ModelForm):
    class Meta:
        model = JointNote
        fields = ["text", "confidential"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class InterviewForm(forms.ModelForm):
    class Meta:
        model = ForensicInterview
        fields = ["date", "place", "agencies", "attendees", "record"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "agencies": forms.CheckboxSelectMultiple,
            "record": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, access: JointAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "agencies").queryset = _agencies(access)
        self.fields["date"].initial = timezone.localdate()


class ConferenceScheduleForm(forms.ModelForm):
    class Meta:
        model = CaseConference
        fields = ["date", "agencies"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "agencies": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, access: JointAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "agencies").queryset = _agencies(access)


class ConferenceMinutesForm(forms.ModelForm):
    class Meta:
        model = CaseConference
        fields = ["agencies", "minutes", "decisions"]
        labels = {"agencies": _("agencies present")}
        widgets = {
            "agencies": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, access: JointAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "agencies").queryset = _agencies(access)
        self.fields["minutes"].required = True


class FollowUpForm(forms.Form):
    """A decision an agency agreed to carry out: it becomes that agency's task in the joint plan."""

    organisation = forms.ModelChoiceField(label=_("agency"), queryset=Organisation.objects.none(), required=False)
    title = forms.CharField(label=_("who agreed to do what"), max_length=300, required=False)
    due_on = forms.DateField(label=_("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, access: JointAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "organisation").queryset = _agencies(access)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [bool(data.get(k)) for k in ("organisation", "title", "due_on")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Give the agency, the action and the due date, or leave the row empty."))
        return data


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3, max_num=10)


def follow_ups(formset: Any) -> list[dict[str, Any]]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "date", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
