from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from multiagency.models import ForensicInterview, JointNote, JointTask, Partner, TaskStatus
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
