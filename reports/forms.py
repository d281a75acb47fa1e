from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Contract
from reports.models import ReportFormat


class ReportForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("contract"), queryset=Contract.objects.order_by("-start"), required=False)
    start = forms.DateField(label=_("start"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("end"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    format = forms.ChoiceField(label=_("format"), choices=ReportFormat.choices, initial=ReportFormat.PDF)
    language = forms.ChoiceField(label=_("language"), choices=[("zh-hans", "简体中文"), ("en", "English")])
    narrative = forms.CharField(
        label=_("narrative"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few paragraphs for the funder. Name no child, family or village."),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # only the contracts the user may see (their organisation's, or funded)
            from core.permissions import contracts_visible_to

            self.fields["contract"].queryset = contracts_visible_to(user).order_by("-start")
        today = timezone.localdate()
        current = self.fields["contract"].queryset.filter(start__lte=today, end__gte=today).order_by("-start").first()
        self.initial.setdefault("contract", current.pk if current else None)
        self.initial.setdefault("start", current.start if current else today.replace(month=1, day=1))
        self.initial.setdefault("end", min(today, current.end) if current else today)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


class DashboardPeriodForm(forms.Form):
    """The dashboard's period (GET): from and to, both or neither. A bad period is reported on the form,
    which keeps what was typed, and the default period is shown instead."""

    start = forms.DateField(
        label=_("start"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("end"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self) -> dict[str, Any]:
        from django.core.exceptions import ValidationError

        from reports.suppression import check_period

        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if (start is None) != (end is None):
            self.add_error("end" if end is None else "start", _("Give both dates of the period, or neither."))
        elif start is not None and end is not None:
            if end < start:
                self.add_error("end", _("The end date cannot be before the start date."))
            else:
                try:
                    check_period(self.user, start, end)
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
        return data
