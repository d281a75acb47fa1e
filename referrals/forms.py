from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.models import Member
from core.models import Location
from referrals.models import Channel, Indicator, Referral, Urgency
from referrals.services import MAX_TEXT

AGE_OR_BIRTH_DATE = (
    ("age", _("I know the age (an estimate is fine)")),
    ("birth_date", _("I know the birth date")),
    ("unknown", _("I do not know")),
)


class ReferralForm(forms.ModelForm):
    # One question, not two: the age or the birth date (the other box is hidden and ignored).
    age_or_birth_date = forms.ChoiceField(
        label=_("How old is the child?"),
        choices=AGE_OR_BIRTH_DATE,
        widget=forms.RadioSelect,
        required=False,
        initial="age",
    )
    indicators = forms.MultipleChoiceField(
        label=_("What have you noticed? (tick all that apply)"),
        choices=Indicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"), choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.ROUTINE
    )
    child_age = forms.IntegerField(
        label=_("child's age"),
        required=False,
        min_value=0,
        max_value=25,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    concerns = forms.CharField(label=_("what you saw"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    caregiver_situation = forms.CharField(
        label=_("who looks after the child"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = Referral
        fields = [
            "child_name",
            "child_sex",
            "child_age",
            "child_birth_date",
            "location",
            "where_found",
            "caregiver_situation",
            "concerns",
            "indicators",
            "urgency",
        ]
        widgets = {
            "child_birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "child_sex": forms.RadioSelect,
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(kind__in=["village", "community"]).order_by("name")
        self.fields["child_sex"].choices = [c for c in self.fields["child_sex"].choices if c[0]]
        member = getattr(user, "member", None)
        if member is not None and member.location_id and not self.is_bound:
            self.initial.setdefault("location", member.location_id)
        self.initial.setdefault("submission_key", uuid.uuid4().hex)
        self.order_fields(["child_name", "child_sex", "age_or_birth_date", "child_age", "child_birth_date"])

    def clean(self) -> dict[str, Any]:
        """The age or the birth date, whichever was chosen; the other is dropped. Without a choice (an
        older form, the API), both given is an error."""
        data = super().clean() or {}
        age, birth_date = data.get("child_age"), data.get("child_birth_date")
        chosen = data.pop("age_or_birth_date", "") or ""
        if not chosen:
            if age is not None and birth_date:
                raise forms.ValidationError(_("Give the child's age or birth date, not both."))
            chosen = "birth_date" if birth_date else "age" if age is not None else "unknown"
        if chosen == "age":
            data["child_birth_date"] = None
            if age is None and "child_age" not in self.errors:
                self.add_error("child_age", _("Give the child's age (an estimate is fine), or choose another answer."))
        elif chosen == "birth_date":
            data["child_age"] = None
            if not birth_date and "child_birth_date" not in self.errors:
                self.add_error("child_birth_date", _("Give the birth date, or choose another answer."))
        else:
            data["child_age"] = data["child_birth_date"] = None
        return data

    def clean_child_birth_date(self) -> Any:
        value = self.cleaned_data.get("child_birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value


class StaffReferralForm(ReferralForm):
    """Staff enter hotline calls, police and government referrals, with the day it arrived."""

    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    referrer_member = forms.ModelChoiceField(
        label=_("referring Alliance member"),
        required=False,
        queryset=Member.objects.filter(is_active=True).order_by("name"),
    )
    received_on = forms.DateField(
        label=_("received on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    class Meta(ReferralForm.Meta):
        fields = [*ReferralForm.Meta.fields, "channel", "referrer_member", "received_on"]


class ReasonForm(forms.Form):
    text = forms.CharField(max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class ReferOnForm(forms.Form):
    service = forms.CharField(label=_("service"), max_length=200)
    note = forms.CharField(
        label=_("note"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
