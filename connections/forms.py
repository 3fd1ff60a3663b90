"""Wizard forms. Secret inputs never render a value back (render_value=False), so a saved secret
cannot leak through a page's HTML, a browser's form cache or a screenshot."""

from __future__ import annotations

import re

from django import forms

from connections.store_urls import InvalidStoreURL, normalise_store_url

KEY_RE = re.compile(r"^ck_[0-9a-f]{40}$")
SECRET_RE = re.compile(r"^cs_[0-9a-f]{40}$")


class StoreURLForm(forms.Form):
    store_url = forms.CharField(
        label="Store address",
        max_length=300,
        help_text="The address customers open, e.g. https://shop.example.com",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url", "autofocus": True}),
    )

    def clean_store_url(self) -> str:
        try:
            return normalise_store_url(self.cleaned_data["store_url"])
        except InvalidStoreURL as exc:
            raise forms.ValidationError(str(exc)) from exc


class StoreKeysForm(forms.Form):
    consumer_key = forms.CharField(
        label="Consumer key",
        max_length=64,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Starts with ck_",
    )
    consumer_secret = forms.CharField(
        label="Consumer secret",
        max_length=64,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Starts with cs_",
    )

    def clean_consumer_key(self) -> str:
        value = self.cleaned_data["consumer_key"].strip()
        if not KEY_RE.match(value):
            if value.startswith("cs_"):
                raise forms.ValidationError("This is the consumer secret; the consumer key starts with ck_.")
            raise forms.ValidationError("A WooCommerce consumer key is “ck_” followed by 40 letters and digits.")
        return value

    def clean_consumer_secret(self) -> str:
        value = self.cleaned_data["consumer_secret"].strip()
        if not SECRET_RE.match(value):
            if value.startswith("ck_"):
                raise forms.ValidationError("This is the consumer key; the consumer secret starts with cs_.")
            raise forms.ValidationError("A WooCommerce consumer secret is “cs_” followed by 40 letters and digits.")
        return value


class ChartMogulKeyForm(forms.Form):
    api_key = forms.CharField(
        label="ChartMogul API key",
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DataSourceForm(forms.Form):
    CREATE = "__create__"
    data_source = forms.ChoiceField(label="Data source", widget=forms.RadioSelect)

    def __init__(self, *args, data_sources: list[dict], default_name: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [(self.CREATE, f"Create “{default_name}” (recommended)")]
        choices += [(ds["uuid"], f"Use existing “{ds.get('name', ds['uuid'])}”") for ds in data_sources]
        field = self.fields["data_source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.fields["data_source"].initial = self.CREATE


class DisconnectForm(forms.Form):
    """Deleting the ChartMogul data source is offered only for one SaaSync created for this store."""

    delete_data_source = forms.TypedChoiceField(
        label="Your data in ChartMogul",
        choices=[
            ("keep", "Keep the ChartMogul data source and its data"),
            ("delete", "Delete the data source and all its data"),
        ],
        coerce=lambda value: value == "delete",
        widget=forms.RadioSelect,
        initial="keep",
    )

    def __init__(self, *args, can_delete_data_source: bool, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not can_delete_data_source:
            del self.fields["delete_data_source"]

    def clean(self) -> dict:  # type: ignore[type-arg]
        cleaned = super().clean() or {}
        cleaned.setdefault("delete_data_source", False)
        return cleaned
