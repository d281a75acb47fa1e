from __future__ import annotations

from typing import Any

from django import forms

from alliance.models import Event, Member


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "name",
            "kind",
            "sector",
            "location",
            "is_referrer",
            "is_pledger",
            "is_volunteer",
            "phone",
            "email",
            "joined_on",
            "responsible_worker",
        ]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "date", "title", "members", "minutes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "members": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from alliance.permissions import members_visible_to

        self.fields["members"].queryset = members_visible_to(user).filter(is_active=True).order_by("name")
