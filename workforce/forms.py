from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import PROJECT_STAFF
from workforce.models import CaseReview, Competency, QualityPoint, Training


def _staff_label(user: User) -> str:
    return f"{user.get_full_name() or user.username} · {user.organisation}"


class TrainingForm(forms.ModelForm):
    competencies = forms.MultipleChoiceField(
        label=_("competencies"), choices=Competency.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Training
        fields = ["topic", "profession", "competencies", "date", "hours", "attendees", "other_participants"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "attendees": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {"attendees": _("Staff of any organisation on the instance.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attendees = cast(forms.ModelMultipleChoiceField, self.fields["attendees"])
        attendees.queryset = User.objects.filter(is_active=True, role__in=PROJECT_STAFF).select_related("organisation")
        attendees.label_from_instance = _staff_label  # type: ignore[method-assign,assignment]
        self.fields["date"].initial = timezone.localdate()


class CaseReviewForm(forms.ModelForm):
    points_met = forms.MultipleChoiceField(
        label=_("quality points met"), choices=QualityPoint.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CaseReview
        fields = ["date", "points_met", "findings", "actions", "follow_up_on"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}),
            "findings": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
