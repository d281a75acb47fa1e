from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Location, LocationKind
from organisations.models import Organisation, OrganisationKind, Service, ServiceKind


class DirectorySearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("need"), choices=[("", _("Any service")), *ServiceKind.choices], required=False)
    place = forms.ModelChoiceField(
        label=_("place"), queryset=Location.objects.order_by("kind", "name"), required=False, empty_label=_("Anywhere")
    )
    q = forms.CharField(label=_("name contains"), max_length=100, required=False)


class ServiceForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=Organisation.objects.none())
    areas = forms.ModelMultipleChoiceField(
        label=_("area covered"),
        queryset=Location.objects.filter(
            kind__in=[LocationKind.DISTRICT, LocationKind.TOWN, LocationKind.VILLAGE, LocationKind.COMMUNITY]
        ).order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Service
        fields = ["organisation", "kind", "name", "description", "areas", "contact", "hours", "capacity", "languages"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.all()
        )
        self.fields["kind"].choices = ServiceKind.choices


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=OrganisationKind.choices)
    location = forms.ModelChoiceField(
        label=_("location"),
        queryset=Location.objects.filter(~Q(kind=LocationKind.VILLAGE)).order_by("kind", "name"),
        required=False,
    )
