"""Identity verification (본인확인) behind one interface.

A provider confirms a person and returns a stable per-person identifier and the birth date (what the
designated verification agencies' mobile window, PASS and 간편인증 return as CI/DI and 생년월일). The
portal never stores the identifier: the panel keeps only a salted hash per campaign.

Only the development provider ships here: it accepts any test identifier a developer types, is
marked as such on every page it shows, and a system check refuses it in production
(ARENA_VERIFICATION_PROVIDER must name a real provider class when DEBUG is off).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
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


class VerificationProvider(Protocol):
    name: str
    is_development: bool
    form_class: type[forms.Form]

    def verify(self, form: forms.Form) -> VerifiedPerson:
        """Turn a valid form (or the provider's callback data) into a verified person."""


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
    form_class = DevelopmentForm

    def verify(self, form: forms.Form) -> VerifiedPerson:
        stable = hashlib.sha256(f"dev:{form.cleaned_data['test_identity']}".encode()).hexdigest()
        return VerifiedPerson(stable_id=stable, birth_date=form.cleaned_data["birth_date"])


def provider() -> VerificationProvider:
    return import_string(settings.ARENA_VERIFICATION_PROVIDER)()
