"""Public-sector AX use cases as agencies report them. Field keys and Korean labels follow
shared/research/domain-facts.md 6(a).

What the record promises:
- Every controlled vocabulary is a TextChoices with "보고되지 않음" (not reported) and is also a database
  check constraint, so no path (form, API, import, admin, raw SQL through the ORM) can store a value
  outside it, and no path has to invent an answer an agency did not give.
- Only a name, an agency and (to file through the portal) one sentence of what the system does are
  required; everything else counts toward the completeness score.
- Two ids: the portal's own (`case_id`, in URLs, never reused) and the agency's (`agency_ref`, any
  printable text up to 64 characters, unique per agency when given, blank when the agency gave none).
- Dates keep the precision they were reported at (year, month or day).
- "Other, specify" text (`other_specify`), the raw text an import mapped from (`reported_as`), fields
  withheld with their reason (`withheld`) and source columns with no field (`source_extra`) are kept
  beside the fields, keyed by field name.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ax_catalog import dates

CASE_ID = re.compile(r"^[A-Z0-9]{2,12}-\d{4}-\d{3,7}$")
# Any printable text (no control characters), without surrounding spaces.
AGENCY_REF = re.compile(r"^(?=\S)[^\x00-\x1f\x7f]{1,64}(?<=\S)$")
SCHEMA_VERSION = "2.0.0"
NOT_REPORTED = "not_reported"


def validate_case_id(value: str) -> None:
    if not CASE_ID.match(value):
        raise ValidationError(_("포털 ID는 '기관코드-연도-일련번호' 형식이어야 합니다 (예: MOIS-2025-001)."))


def validate_agency_ref(value: str) -> None:
    if value and not AGENCY_REF.match(value):
        raise ValidationError(
            _(
                "기관 자체 ID는 앞뒤 공백과 제어 문자 없이 64자 이내의 글자로 적어 주세요 (예: DHS-35, VA-1-2)."
            )
        )


class AgencyType(models.TextChoices):
    CENTRAL = "central", _("중앙행정기관")
    METROPOLITAN = "metropolitan", _("광역자치단체")
    LOCAL = "local", _("기초자치단체")
    EDUCATION = "education", _("교육청")
    PUBLIC_INSTITUTION = "public_institution", _("공공기관")
    FOREIGN = "foreign", _("해외 공공기관")


class Agency(models.Model):
    code = models.CharField(_("기관코드"), max_length=12, unique=True)
    name = models.CharField(_("기관명"), max_length=200, unique=True)
    agency_type = models.CharField(_("기관 유형"), max_length=20, choices=AgencyType.choices)
    country = models.CharField(_("국가"), max_length=2, default="KR", help_text=_("ISO 3166 두 글자 코드"))
    editors = models.ManyToManyField(
        "auth.User", blank=True, related_name="ax_agencies", verbose_name=_("편집자")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(agency_type__in=AgencyType.values), name="agency_type_vocab")
        ]
        verbose_name = _("기관")
        verbose_name_plural = _("기관")

    def __str__(self) -> str:
        return self.name


class Topic(models.TextChoices):
    GENERAL = "general_admin", _("일반행정")
    CIVIL = "civil_service", _("민원서비스")
    WELFARE = "welfare", _("복지급여")
    HEALTH = "health", _("보건의료")
    LAW = "law_enforcement", _("법집행")
    SAFETY = "disaster_safety", _("재난안전")
    TRANSPORT = "transport", _("교통")
    ENVIRONMENT = "environment_energy", _("환경에너지")
    SCIENCE = "science", _("과학")
    PERSONNEL = "personnel", _("인사")
    FINANCE = "procurement_finance", _("조달재정")
    IT = "informatization", _("정보화")
    CYBER = "cybersecurity", _("사이버보안")
    INTERNATIONAL = "international", _("국제")
    OTHER = "other", _("기타")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class Stage(models.TextChoices):
    PLANNING = "planning", _("기획")
    DEVELOPMENT = "development", _("개발·도입")
    PILOT = "pilot", _("시범운영")
    OPERATION = "operation", _("운영")
    RETIRED = "retired", _("중단")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class AIClass(models.TextChoices):
    AGENT = "agent", _("에이전트")
    GENERATIVE = "generative", _("생성형")
    NLP = "nlp", _("자연어처리")
    VISION = "vision", _("컴퓨터비전")
    PREDICTIVE = "predictive_ml", _("예측/분류 ML")
    RL = "reinforcement", _("강화학습")
    RULES = "rule_based", _("규칙기반")
    OTHER = "other", _("기타")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class Activity(models.TextChoices):
    ADJUDICATION = "adjudication", _("판정(심사)")
    ENFORCEMENT = "enforcement", _("집행")
    INTERNAL = "internal", _("내부관리")
    PUBLIC_SERVICE = "public_service", _("대국민서비스/참여")
    REGULATORY = "regulatory_monitoring", _("규제 분석/모니터링")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class Audience(models.TextChoices):
    G2C = "g2c", _("대국민(G2C)")
    G2B = "g2b", _("기업(G2B)")
    G2G = "g2g", _("행정내부(G2G)")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class DevMethod(models.TextChoices):
    IN_HOUSE = "in_house", _("자체 개발")
    VENDOR = "vendor", _("외부 구매·위탁")
    MIXED = "mixed", _("자체·외부 혼합")
    OTHER = "other", _("기타")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class RiskTier(models.TextChoices):
    """인공지능 기본법(2026-01-22 시행)의 고영향 인공지능 해당 여부."""

    HIGH_IMPACT = "high_impact", _("고영향")
    NOT_APPLICABLE = "not_applicable", _("해당 없음")
    UNDER_REVIEW = "under_review", _("검토 중")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class HighImpactArea(models.TextChoices):
    """The areas of 인공지능 기본법 제2조제4호 (가-카); ax_catalog/risk.py maps them to the EU AI Act's
    Annex III and the US high-impact purposes."""

    ENERGY = "energy", _("에너지 공급")
    DRINKING_WATER = "drinking_water", _("먹는물 생산·공급")
    HEALTH_CARE = "health_care", _("보건의료 제공·이용")
    MEDICAL_DEVICES = "medical_devices", _("의료기기·디지털의료기기 개발·이용")
    NUCLEAR = "nuclear", _("원자력시설 안전 관리·운영")
    BIOMETRICS = "biometrics_investigation", _("범죄 수사·체포를 위한 생체인식정보 분석·활용")
    RIGHTS_DECISIONS = "rights_decisions", _("채용·대출 심사 등 권리·의무에 중대한 영향을 주는 판단·평가")
    TRANSPORT = "transport", _("교통수단·교통시설·교통체계의 주요 작동·운영")
    PUBLIC_SERVICES = "public_services", _("공공서비스 자격 확인·결정·비용징수 등 국가기관등의 의사결정")
    EDUCATION = "education_assessment", _("유아·초중등 교육의 학생 평가")
    OTHER = "other_decree", _("그 밖에 대통령령으로 정하는 영역")
    NONE = "none", _("해당 영역 없음")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class Practice(models.TextChoices):
    """Whether a practice a high-impact use must show is in place (US M-25-21 minimum practices)."""

    YES = "yes", _("시행")
    IN_PROGRESS = "in_progress", _("진행 중")
    NO = "no", _("미시행")
    NOT_APPLICABLE = "not_applicable", _("해당 없음")
    PRECLUDED = "precluded", _("법령·운영상 불가")
    WAIVED = "waived", _("적용 면제")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


# The structured practices of a high-impact use: field -> label. Filterable ("high-impact cases
# without an independent review").
PRACTICES = {
    "practice_testing": _("사전 테스트"),
    "practice_impact_assessment": _("영향평가"),
    "practice_independent_review": _("독립 검토"),
    "practice_monitoring": _("지속 모니터링"),
    "practice_training": _("운영자 교육"),
    "practice_fail_safe": _("안전장치(fail-safe)"),
    "practice_appeal": _("이의제기 절차"),
    "practice_consultation": _("이용자·국민 의견수렴"),
}


class YesNo(models.TextChoices):
    YES = "yes", _("예")
    NO = "no", _("아니오")
    NOT_APPLICABLE = "na", _("해당없음")
    NOT_REPORTED = NOT_REPORTED, _("보고되지 않음")


class DatePrecision(models.TextChoices):
    YEAR = "year", _("연")
    MONTH = "month", _("월")
    DAY = "day", _("일")


class WithheldReason(models.TextChoices):
    SECURITY = "security", _("보안")
    LAW_ENFORCEMENT = "law_enforcement", _("수사·법집행")
    LAW = "law", _("법령상 비공개")
    PRIVACY = "privacy", _("개인정보 보호")
    OTHER = "other", _("기타")


class SourceType(models.TextChoices):
    AGENCY = "agency", _("기관 직접등록")
    REGISTER = "register", _("공개 등록부 가져오기")
    CASEBOOK = "casebook", _("사례집")
    PRESS = "press", _("보도자료·언론 보도")
    POC = "poc_report", _("PoC 보고서")
    SYNTHETIC = "synthetic", _("합성 자료 (부하 시험용)")


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("미검증")
    AGENCY_CONFIRMED = "agency_confirmed", _("기관확인")
    OPERATOR_VERIFIED = "operator_verified", _("운영자검증")


class Status(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("검토 요청")
    RETURNED = "returned", _("보완 요청")
    PUBLISHED = "published", _("공개")


# Every vocabulary field and its choices (the check constraints, the importer and the JSON Schema read it).
VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "topic_area": Topic,
    "activity_type": Activity,
    "audience": Audience,
    "ai_class": AIClass,
    "stage": Stage,
    "dev_method": DevMethod,
    "has_pii": YesNo,
    "has_custom_code": YesNo,
    "security_review": YesNo,
    "genai_notice": YesNo,
    "risk_tier": RiskTier,
    "high_impact_area": HighImpactArea,
    **dict.fromkeys(PRACTICES, Practice),
    "source_type": SourceType,
    "verified": Verification,
    "status": Status,
}
# Vocabularies with an "other" value: the editor may say what the other is.
SPECIFIABLE = ("topic_area", "ai_class", "dev_method")
REPORTED_DATES = ("start_date", "op_date", "end_date")


class UseCaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def high_impact_missing(self, practice: str):
        """High-impact cases where `practice` is not shown to be in place."""
        return self.filter(risk_tier=RiskTier.HIGH_IMPACT).exclude(**{practice: Practice.YES})


def _vocab(label, vocabulary, **kwargs):
    return models.CharField(label, max_length=24, choices=vocabulary.choices, default=NOT_REPORTED, **kwargs)


def _date(label):
    return models.DateField(label, null=True, blank=True, help_text=_("보고된 정밀도(연·월·일)와 함께 저장"))


def _precision():
    return models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)


class UseCase(models.Model):
    Status = Status

    # Identification and ownership
    case_id = models.CharField(_("포털 ID"), max_length=24, unique=True, validators=[validate_case_id])
    agency_ref = models.CharField(
        _("기관 자체 ID"),
        max_length=64,
        blank=True,
        validators=[validate_agency_ref],
        help_text=_("기관이 자체 등록부에서 쓰는 ID (예: DHS-35). 없으면 비워 두세요."),
    )
    title = models.CharField(_("사례명"), max_length=300)
    summary_one_line = models.CharField(
        _("무엇을 하는지 (한 문장)"), max_length=300, blank=True, help_text=_("포털에서 등록할 때는 필수")
    )
    description_public = models.TextField(_("쉬운 설명(대국민)"), blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="use_cases", verbose_name=_("기관")
    )
    org_unit = models.CharField(_("담당 부서"), max_length=300, blank=True)
    contacts = models.JSONField(
        _("문의처"), default=list, blank=True, help_text=_("부서 메일 주소 (여러 개 가능)")
    )
    url = models.URLField(_("관련 누리집"), max_length=500, blank=True)
    # Classification
    topic_area = _vocab(_("업무 분야"), Topic)
    activity_type = _vocab(_("행정 활동 유형"), Activity)
    audience = _vocab(_("대상"), Audience)
    ai_class = _vocab(_("AI 기술 분류"), AIClass)
    model_name = models.CharField(_("사용 모델"), max_length=200, blank=True)
    sovereign_model = models.ForeignKey(
        "arena.ModelEndpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ax_use_cases",
        verbose_name=_("독자 AI 파운데이션 모델"),
    )
    # Purpose and value
    problem = models.TextField(_("해결하려는 문제"), blank=True)
    benefits = models.TextField(_("기대 효과"), blank=True)
    outputs = models.TextField(_("AI 산출물"), blank=True)
    previous_process = models.TextField(_("기존 업무 방식"), blank=True)
    # Lifecycle
    stage = _vocab(_("추진 단계"), Stage)
    start_date = _date(_("착수일"))
    start_date_precision = _precision()
    op_date = _date(_("운영(시범) 개시일"))
    op_date_precision = _precision()
    end_date = _date(_("종료일"))
    end_date_precision = _precision()
    # Development and procurement
    dev_method = _vocab(_("개발 방식"), DevMethod)
    vendors = models.TextField(_("참여 기업"), blank=True)
    funding_program = models.CharField(_("재원·지원사업"), max_length=200, blank=True)
    budget_won = models.PositiveBigIntegerField(_("사업비(원)"), null=True, blank=True)
    has_custom_code = _vocab(_("자체 개발 코드 포함"), YesNo)
    code_url = models.URLField(_("공개 코드 링크"), max_length=500, blank=True)
    security_review = _vocab(_("보안 검토·인증"), YesNo)
    security_review_note = models.TextField(_("보안 검토·인증 대상 시스템"), blank=True)
    # Data and privacy
    training_data = models.TextField(_("학습·미세조정·평가 데이터"), blank=True)
    operational_data = models.TextField(_("운영(입력) 데이터"), blank=True)
    data_url = models.URLField(_("공공데이터 개방 링크"), max_length=500, blank=True)
    has_pii = _vocab(_("개인정보 처리 여부"), YesNo)
    pia_url = models.URLField(_("개인정보 영향평가 링크"), max_length=500, blank=True)
    # Risk and governance (인공지능 기본법; EU AI Act Annex III and US high-impact through risk.py)
    risk_tier = _vocab(_("고영향 AI 해당 여부"), RiskTier)
    high_impact_area = _vocab(_("고영향 영역 (인공지능 기본법)"), HighImpactArea)
    risk_reason = models.TextField(_("판단 근거"), blank=True)
    genai_notice = _vocab(_("생성형 AI 고지·표시"), YesNo)
    practice_testing = _vocab(PRACTICES["practice_testing"], Practice)
    practice_impact_assessment = _vocab(PRACTICES["practice_impact_assessment"], Practice)
    practice_independent_review = _vocab(PRACTICES["practice_independent_review"], Practice)
    practice_monitoring = _vocab(PRACTICES["practice_monitoring"], Practice)
    practice_training = _vocab(PRACTICES["practice_training"], Practice)
    practice_fail_safe = _vocab(PRACTICES["practice_fail_safe"], Practice)
    practice_appeal = _vocab(PRACTICES["practice_appeal"], Practice)
    practice_consultation = _vocab(PRACTICES["practice_consultation"], Practice)
    impact_assessment = models.TextField(_("영향평가 내용 (예상 영향과 파악 방법)"), blank=True)
    human_review = models.TextField(_("사람 검토·최종 결정 방식"), blank=True)
    appeal = models.TextField(_("이의제기 절차 설명"), blank=True)
    risks_mitigations = models.TextField(_("위험 및 완화조치"), blank=True)
    # Where a citizen can object or ask
    objection_office = models.CharField(_("이의제기·문의 담당 기관·부서"), max_length=200, blank=True)
    objection_channel = models.CharField(
        _("이의제기·문의 방법"), max_length=300, blank=True, help_text=_("예: 국민신문고, 전화 02-000-0000")
    )
    objection_url = models.URLField(_("이의제기·문의 링크"), max_length=500, blank=True)
    # What sits beside the fields (keyed by field name; see the module docstring)
    other_specify = models.JSONField(_("기타 (직접 기재)"), default=dict, blank=True)
    reported_as = models.JSONField(_("원 자료의 값"), default=dict, blank=True, editable=False)
    withheld = models.JSONField(_("비공개 항목과 사유"), default=dict, blank=True)
    source_extra = models.JSONField(_("원 자료의 기타 항목"), default=dict, blank=True, editable=False)
    # Record metadata
    source_type = models.CharField(_("등록 경로"), max_length=16, choices=SourceType.choices)
    source_register = models.CharField(
        _("가져온 등록부 (매핑)"), max_length=64, blank=True, editable=False
    )  # the import mapping's name
    source_url = models.URLField(_("출처 링크"), max_length=500, blank=True)
    source_note = models.CharField(_("출처"), max_length=300, blank=True)
    verified = models.CharField(
        _("검증 상태"), max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    schema_version = models.CharField(_("서식 버전"), max_length=12, default=SCHEMA_VERSION)
    status = models.CharField(_("공개 상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(_("검토 의견"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Analysed lexemes of the searchable fields, space separated (see search.py); indexed per database.
    search_lexemes = models.TextField(blank=True, editable=False)

    objects = UseCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            *[
                models.CheckConstraint(condition=Q(**{f"{f}__in": v.values}), name=f"usecase_{f}_vocab")
                for f, v in VOCABULARIES.items()
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}_precision__in": DatePrecision.values}), name=f"usecase_{f}_precision"
                )
                for f in REPORTED_DATES
            ],
            models.UniqueConstraint(
                fields=["agency", "agency_ref"],
                condition=~Q(agency_ref=""),
                name="usecase_agency_ref_unique",
                violation_error_message=_("이 기관에 같은 자체 ID의 사례가 이미 있습니다."),
            ),
        ]
        # The browse page's default order (newest first) without sorting every published case.
        indexes = [
            models.Index(
                F("updated_at").desc(),
                "case_id",
                condition=Q(status="published"),
                name="usecase_published_recent",
            )
        ]
        verbose_name = _("AX 사례")
        verbose_name_plural = _("AX 사례")

    def __str__(self) -> str:
        return f"{self.case_id} {self.title}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.start_date and self.end_date:
            start = dates.ReportedDate(self.start_date, self.start_date_precision)
            end = dates.ReportedDate(self.end_date, self.end_date_precision)
            if dates.is_before(end, start):
                errors.setdefault("end_date", []).append(_("종료일이 착수일보다 빠를 수 없습니다."))
        if not isinstance(self.contacts, list):
            errors.setdefault("contacts", []).append(_("문의처는 메일 주소 목록이어야 합니다."))
        else:
            for email in self.contacts:
                try:
                    EmailValidator()(email if isinstance(email, str) else "")
                except ValidationError:
                    errors.setdefault("contacts", []).append(
                        _("올바른 메일 주소가 아닙니다: %(v)s") % {"v": email}
                    )
        for key, reason in (self.withheld or {}).items():
            if key not in WITHHOLDABLE:
                errors.setdefault("withheld", []).append(
                    _("비공개로 할 수 없는 항목입니다: %(k)s") % {"k": key}
                )
            elif reason not in WithheldReason.values:
                errors.setdefault("withheld", []).append(
                    _("비공개 사유가 올바르지 않습니다: %(r)s") % {"r": reason}
                )
        for key in self.other_specify or {}:
            if key not in SPECIFIABLE:
                errors.setdefault("other_specify", []).append(
                    _("'기타'를 적을 수 없는 항목입니다: %(k)s") % {"k": key}
                )
        if errors:
            raise ValidationError(errors)

    # Display helpers: what the record says, as reported.
    @property
    def what_it_does(self) -> str:
        """The record's one sentence, or the first reported text that says what it does."""
        return self.summary_one_line or self.description_public or self.problem or self.outputs

    def is_withheld(self, field: str) -> bool:
        return field in (self.withheld or {})

    def reported_date(self, field: str) -> str:
        """A date field as reported: "2023", "2023-07" or "2023-07-14"."""
        return dates.show(getattr(self, field), getattr(self, f"{field}_precision"))


# Fields an agency may withhold with a reason: the descriptive ones, not the identity of the record.
WITHHOLDABLE = (
    "org_unit",
    "contacts",
    "url",
    "model_name",
    "problem",
    "benefits",
    "outputs",
    "previous_process",
    "vendors",
    "funding_program",
    "budget_won",
    "code_url",
    "security_review_note",
    "training_data",
    "operational_data",
    "data_url",
    "pia_url",
    "risk_reason",
    "impact_assessment",
    "human_review",
    "appeal",
    "risks_mitigations",
)


class Kpi(models.Model):
    """A measured result: the metric before and after, with unit and date. Only sourced figures."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(_("지표"), max_length=100)
    unit = models.CharField(_("단위"), max_length=30)
    before = models.FloatField(_("도입 전"))
    after = models.FloatField(_("도입 후"))
    measured_on = models.DateField(_("측정일"), null=True, blank=True)
    source = models.CharField(_("출처"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.metric}: {self.before}{self.unit} → {self.after}{self.unit}"


class UseCaseVersion(models.Model):
    """Every change to a use case: who, when, which workflow step, and the record as it then stood."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    actor = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(blank=True)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use_case", "-number"]
        constraints = [models.UniqueConstraint(fields=["use_case", "number"], name="usecase_version_unique")]

    def __str__(self) -> str:
        return f"{self.use_case_id} v{self.number} {self.action}"


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("검토 대기")
    APPROVED = "approved", _("전달됨")
    REJECTED = "rejected", _("반려")


class Feedback(models.Model):
    """A citizen's short comment on a published record: stored only after PII redaction, moderated by a
    ministry reviewer, and once approved shown to the agency's editors."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField(_("의견"))
    status = models.CharField(
        _("처리 상태"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FeedbackStatus.values), name="feedback_status_vocab"
            )
        ]
        verbose_name = _("사례 의견")
        verbose_name_plural = _("사례 의견")

    def __str__(self) -> str:
        return f"{self.use_case_id} {self.status}"
