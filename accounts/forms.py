from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "phone", "email", "member", "location", "is_active"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not actor.has_role(Role.ADMIN):
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]
        if self.instance.pk is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""
        elif self.instance.pk == actor.pk:
            # One's own password changes only with the current one (a session left open is not enough).
            self.fields["old_password"] = forms.CharField(
                label=_("Current password"),
                widget=forms.PasswordInput,
                required=False,
                strip=False,
                help_text=_("Needed only to change your own password."),
            )
        members = self.fields["member"].queryset.order_by("name")
        if not actor.has_role(Role.ADMIN):  # a manager links accounts to their own organisation's Alliance only
            members = members.filter(organisation_id=actor.organisation_id)
        self.fields["member"].queryset = members
        self.fields["location"].queryset = (
            self.fields["location"].queryset.filter(kind__in=["town", "village", "community"]).order_by("kind", "name")
        )
        self.fields["location"].help_text = _(
            "Children directors: the village or community they serve; supervisors: their town."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            password_validation.validate_password(password, self.instance)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if "old_password" in self.fields:
            old = data.pop("old_password", "") or ""
            if data.get("password") and not self.instance.check_password(old):
                self.add_error("old_password", _("Give your current password, correctly, to change your password."))
        return data
