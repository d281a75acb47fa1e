from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from alliance.models import Member
from cases.models import Case
from programmes.models import (
    ItemCategory,
    MovementKind,
    ParentCall,
    Programme,
    ProgrammeSession,
    PupilProfile,
    StockItem,
    Store,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "kind",
            "title",
            "location",
            "venue",
            "target_group",
            "planned_sessions",
            "starts_on",
            "ends_on",
            "facilitators",
            "volunteers",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        """``organisation_id``: the organisation that will run it (the creator's): its staff and volunteers."""
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = User.objects.filter(
            role__in=[Role.MANAGER, Role.SOCIAL_WORKER, Role.ADMIN], is_active=True, organisation_id=organisation_id
        ).order_by("full_name")
        self.fields["volunteers"].queryset = Member.objects.filter(
            is_volunteer=True, is_active=True, organisation_id=organisation_id
        )
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:  # in words, before the period constraint's own message
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSession
        fields = ["date", "duration_minutes", "topic", "notes", "tutors"]
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["duration_minutes"].initial = 90
        tutors = Member.objects.filter(is_volunteer=True, is_active=True)
        if programme is not None:
            tutors = programme.volunteers.all()
        self.fields["tutors"].queryset = tutors
        self.fields["tutors"].required = False
        self.fields["tutors"].widget = forms.CheckboxSelectMultiple()
        self.fields["tutors"].queryset = tutors
        self.fields["tutors"].label = _("volunteer tutors present")


class PupilProfileForm(forms.ModelForm):
    class Meta:
        model = PupilProfile
        fields = ["school", "grade", "subjects_needing_support", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class TutorNoteForm(forms.Form):
    session = forms.ModelChoiceField(queryset=ProgrammeSession.objects.none(), label=_("session"))
    text = forms.CharField(max_length=1000, label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = programme.sessions.order_by("-date", "-pk")
        self.fields["session"].queryset = sessions
        self.fields["session"].initial = sessions.first()
        self.fields["session"].label_from_instance = lambda s: f"{s.date:%Y-%m-%d} {s.topic}".strip()


class ParentCallForm(forms.ModelForm):
    case = forms.ModelChoiceField(queryset=Case.objects.none(), label=_("child"))

    class Meta:
        model = ParentCall
        fields = [
            "case",
            "date",
            "kind",
            "held",
            "duration_minutes",
            "arranged_by",
            "participants",
            "note",
            "conflict_note",
        ]
        widgets = {
            "date": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
            "conflict_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.child.name} ({c.number})"
        self.fields["date"].initial = timezone.localdate()


class StoreForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = ["name", "kind", "location"]


class ReceiveForm(forms.Form):
    pledge = forms.ModelChoiceField(queryset=StockItem.objects.none(), required=False, label=_("pledge"))
    category = forms.ChoiceField(choices=ItemCategory.choices, label=_("category"))
    description = forms.CharField(max_length=300, label=_("what"))
    quantity = forms.IntegerField(min_value=1, max_value=100000, label=_("quantity received"))
    unit_value = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, initial=0, label=_("value of one (yuan)")
    )
    received_on = forms.DateField(widget=DATE, label=_("received on"))

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        """``organisation_id``: whose Alliance's goods pledges are offered (the caller's)."""
        super().__init__(*args, **kwargs)
        pledge_model: Any = StockItem._meta.get_field("pledge").related_model  # resources.Pledge
        pledge_field: Any = self.fields["pledge"]
        pledge_field.queryset = pledge_model._default_manager.filter(
            kind="goods", is_active=True, member__organisation_id=organisation_id
        ).select_related("member")
        self.fields["received_on"].initial = timezone.localdate()


class MoveForm(forms.Form):
    item = forms.ModelChoiceField(queryset=StockItem.objects.none(), label=_("item"))
    kind = forms.ChoiceField(choices=MovementKind.choices, label=_("kind"))
    quantity = forms.IntegerField(min_value=1, max_value=100000, initial=1, label=_("quantity"))
    date = forms.DateField(widget=DATE, label=_("date"))
    case_number = forms.CharField(max_length=30, required=False, label=_("child's case number"))
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False, label=_("programme"))

    def __init__(self, *args: Any, store: Store, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field: Any = self.fields["item"]
        item_field.queryset = store.items.all()
        programme_field: Any = self.fields["programme"]
        programme_field.queryset = programmes  # the caller's organisation's (programmes_visible_to)
        self.fields["date"].initial = timezone.localdate()
