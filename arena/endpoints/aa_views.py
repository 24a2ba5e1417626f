"""Staff page of A/A tests: the running and finished tests, and the form that enrols a version under a
second anonymous name (arena/endpoints/aa_tests.py, audit-logged)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arena.endpoints.aa_tests import aa_test_enrol
from arena.models import AATest, ModelEndpoint
from core import roles

STAFF = (roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)


class EnrolForm(forms.Form):
    endpoint = forms.ModelChoiceField(
        label=gettext_lazy("원래 버전"),
        queryset=ModelEndpoint.objects.filter(
            retired_on__isnull=True, aa_twin_of__isnull=True
        ).select_related("team"),
        error_messages={"required": gettext_lazy("원래 버전: 골라 주세요.")},
    )
    twin_name = forms.CharField(label=gettext_lazy("두 번째 이름"), max_length=100)
    season_start = forms.DateField(
        label=gettext_lazy("시작일"), widget=forms.DateInput(attrs={"type": "date"})
    )
    season_end = forms.DateField(label=gettext_lazy("종료일"), widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def staff_aa_tests(request):
    roles.require(request.user, *STAFF)
    form = EnrolForm(request.POST or None, initial={"season_start": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            try:
                test = aa_test_enrol(**form.cleaned_data, actor=request.user)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request,
                    _("'%(name)s'을(를) '%(twin)s'(이)라는 두 번째 이름으로 등록했습니다.")
                    % {"name": test.endpoint.name, "twin": test.twin.name},
                )
                return redirect("staff:aa_tests")
        status = 400
    else:
        status = 200
    tests = AATest.objects.select_related("endpoint__team", "twin", "created_by")
    return render(request, "arena/staff_aa_tests.html", {"form": form, "tests": tests}, status=status)
