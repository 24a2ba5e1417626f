"""Identity verification (본인확인) behind one interface.

A provider confirms a person and returns a stable per-person identifier and the birth date (what the
designated verification agencies' mobile window, PASS and 간편인증 return as CI/DI and 생년월일). The
portal never stores the identifier: the panel keeps only a salted hash per campaign.

Two kinds of provider sit behind ARENA_VERIFICATION_PROVIDER:
- a form provider (`form_class` + `verify(form)`): only the development provider, which accepts any test
  identifier a developer types, is marked as such on every page it shows, and is refused in production
  by a system check;
- a redirect provider (`redirect = True`): `core.oidc.OIDCVerification`, one or more OpenID Connect
  identity providers the citizen is sent to and comes back from (core/oidc.py).
Either way the panel receives a VerifiedPerson, or a VerificationFailed whose message tells the citizen
what happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class VerifiedPerson:
    stable_id: str  # the provider's per-person identifier (never stored)
    birth_date: dt.date
    # Quota answers the provider itself verified (gender, region): not asked again, not editable.
    attributes: Mapping[str, str] = field(default_factory=dict)


class VerificationFailed(Exception):
    """Verification did not establish a person. `message` is for the citizen, `code` for the log."""

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


class VerificationProvider(Protocol):
    name: str
    is_development: bool
    redirect: bool


class FormProvider(VerificationProvider, Protocol):
    form_class: type[forms.Form]

    def verify(self, form: forms.Form) -> VerifiedPerson:
        """Turn a valid form into a verified person."""


class DevelopmentForm(forms.Form):
    test_identity = forms.CharField(
        label=_("시험용 식별값"),
        max_length=100,
        help_text=_("아무 문자열이나 넣으세요. 같은 값이면 같은 사람으로 봅니다."),
    )
    birth_date = forms.DateField(label=_("생년월일"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("미래의 날짜는 생년월일이 될 수 없습니다."))
        return value


class DevelopmentProvider:
    """For local use and tests only. Not an identity check: anyone can be anyone."""

    name = "development"
    is_development = True
    redirect = False
    form_class = DevelopmentForm

    def verify(self, form: forms.Form) -> VerifiedPerson:
        stable = hashlib.sha256(f"dev:{form.cleaned_data['test_identity']}".encode()).hexdigest()
        return VerifiedPerson(stable_id=stable, birth_date=form.cleaned_data["birth_date"])


def provider() -> VerificationProvider:
    return import_string(settings.ARENA_VERIFICATION_PROVIDER)()
