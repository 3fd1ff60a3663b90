from __future__ import annotations

from django import forms
from django.http import HttpRequest

from saasync.accounts.models import User


class SignupForm(forms.Form):
    """Extra sign-up field for allauth: the merchant's organisation, which becomes their tenant."""

    organisation = forms.CharField(
        max_length=120,
        label="Company or store name",
        help_text="Shown to your teammates; you can connect several stores under it.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        # Imported here: allauth loads this form while Django's app registry is still filling.
        from saasync.accounts.services import tenant_create_for_signup

        tenant_create_for_signup(user=user, name=self.cleaned_data["organisation"], request=request)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Teammate's email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
