import os
import uuid

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from arena.validators import (
    api_key_env_problem,
    validate_endpoint_host,
    validate_endpoint_url,
    validate_team_code,
)


class Team(models.Model):
    """A programme team (or a demo stand-in). Its models compete in the arena."""

    name = models.CharField(_("팀 이름"), max_length=100, unique=True)
    code = models.CharField(
        _("팀 코드"),
        max_length=20,
        blank=True,
        validators=[validate_team_code],
        help_text=_("영문 대문자와 숫자. 이 팀의 API 키 환경변수는 TEAM_<팀 코드>_KEY 형식입니다."),
    )
    organization = models.CharField(_("주관 기관"), max_length=200, blank=True)
    description = models.TextField(_("설명"), blank=True)
    aliases = models.TextField(
        _("별칭"), blank=True, help_text=_("답변에 나오면 가릴 이름들, 한 줄에 하나 (한국어와 영어 모두)")
    )
    is_demo = models.BooleanField(
        _("데모 팀"), default=False, help_text=_("시연용으로 만든 가상의 팀입니다. 실제 참가팀이 아닙니다.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="team_unique_code")
        ]
        verbose_name = _("참가팀")
        verbose_name_plural = _("참가팀")

    def __str__(self) -> str:
        return self.name


class ModelEndpointQuerySet(models.QuerySet):
    def available(self):
        """Versions the pair sampler may draw: switched on, attested, not retired, not suspended by a
        drift canary, last probe healthy, positive weight."""
        return self.filter(
            is_active=True,
            is_healthy=True,
            weight__gt=0,
            attestation__isnull=False,
            retired_on__isnull=True,
            suspended_at__isnull=True,
        )

    def active_variants(self):
        """Versions counted against a team's cap of simultaneously active anonymous variants. An A/A
        test's second name is the portal's instrument, not a variant the team tests: not counted."""
        return self.filter(is_active=True, retired_on__isnull=True, aa_twin_of__isnull=True)


class ModelEndpoint(models.Model):
    """One version (checkpoint) of a team's model behind an OpenAI-compatible endpoint: the unit that
    is attested, sampled, rated and retired. A new checkpoint is a new endpoint; a version that took
    part in a battle is never deleted (battles protect it) and stays on every board, retired or not.

    The API key itself is never stored: `api_key_env` names the environment variable that holds it,
    read only at request time by the inference client.
    """

    class Retirement(models.TextChoices):
        # The same fixed list for every team, domestic or foreign, open or closed.
        SUPERSEDED = "superseded", _("새 버전으로 대체")
        WITHDRAWN = "withdrawn", _("팀이 참가를 철회")
        VERSION_MISMATCH = "version_mismatch", _("확인서와 다른 모델로 확인됨")
        UNAVAILABLE = "unavailable", _("오랫동안 응답하지 않음")
        PROGRAMME_EXIT = "programme_exit", _("단계평가에서 탈락")
        RULES_BREACH = "rules_breach", _("평가 규칙 위반")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="endpoints", verbose_name=_("팀"))
    name = models.CharField(_("모델 이름"), max_length=100)
    base_url = models.CharField(
        _("기본 URL"),
        max_length=500,
        validators=[validate_endpoint_url],
        help_text=_("OpenAI 호환 API의 기본 주소 (예: http://host:8000/v1)"),
    )
    model_id = models.CharField(_("모델 ID"), max_length=200, help_text=_("요청 본문의 model 값"))
    api_key_env = models.CharField(
        _("API 키 환경변수"),
        max_length=100,
        blank=True,
        help_text=_("키를 담은 환경변수 이름, TEAM_<팀 코드>_KEY 형식. 키 자체는 저장하지 않습니다."),
    )
    is_internal = models.BooleanField(
        _("내부망 주소 허용"),
        default=False,
        help_text=_(
            "루프백·사설·링크로컬 주소의 서버입니다 (데모 서버, 포털과 같은 망의 서버). 관리자만 켤 수 있습니다."
        ),
    )
    aliases = models.TextField(
        _("별칭"), blank=True, help_text=_("답변에 나오면 가릴 이름들, 한 줄에 하나 (한국어와 영어 모두)")
    )
    weight = models.FloatField(_("표본 추출 가중치"), default=1.0)
    is_active = models.BooleanField(_("사용"), default=True)
    is_healthy = models.BooleanField(_("정상 응답"), default=True)
    last_probe_at = models.DateTimeField(_("마지막 점검"), null=True, blank=True)
    last_probe_error = models.CharField(_("마지막 점검 오류"), max_length=300, blank=True)
    # A drift canary found answers unlike the version's baseline: out of the sampler until staff decide.
    suspended_at = models.DateTimeField(_("드리프트로 정지"), null=True, blank=True)
    retired_on = models.DateField(_("은퇴일"), null=True, blank=True)
    retirement_reason = models.CharField(
        _("은퇴 사유"), max_length=20, choices=Retirement.choices, blank=True
    )
    retirement_note = models.TextField(_("은퇴 설명"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModelEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="endpoint_unique_team_model"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="endpoint_weight_non_negative"),
            models.CheckConstraint(
                condition=models.Q(retired_on__isnull=True, retirement_reason="")
                | models.Q(retired_on__isnull=False) & ~models.Q(retirement_reason=""),
                name="endpoint_retirement_has_reason_and_date",
            ),
        ]
        verbose_name = _("모델 엔드포인트")
        verbose_name_plural = _("모델 엔드포인트")

    def __str__(self) -> str:
        return f"{self.team.name} / {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, list] = {}
        try:
            validate_endpoint_url(self.base_url)
        except ValidationError:
            pass  # the field's own validator reports it
        else:
            try:
                validate_endpoint_host(self.base_url, internal=self.is_internal)
            except ValidationError as error:
                errors["base_url"] = error.messages
        # An inline form on a new team's page holds the (unsaved) team without an id yet.
        team = self.team if self.team_id or ModelEndpoint.team.is_cached(self) else None
        if (problem := api_key_env_problem(self.api_key_env, team.code if team else "")) is not None:
            errors["api_key_env"] = [problem]
        if team is not None and team.pk and (problem := self.variant_cap_problem()) is not None:
            errors["is_active"] = [problem]
        if errors:
            raise ValidationError(errors)

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    def variant_cap_problem(self) -> str | None:
        """Why switching this version on would exceed its team's cap of active variants, or None."""
        from django.conf import settings

        if not self.is_active or self.is_retired:
            return None
        cap = settings.ARENA_MAX_ACTIVE_VARIANTS
        others = ModelEndpoint.objects.active_variants().filter(team_id=self.team_id).exclude(pk=self.pk)
        if others.count() < cap:
            return None
        return _(
            "사용: 팀 '%(team)s'은(는) 이미 익명 변형 %(n)d개를 동시에 쓰고 있습니다 (상한 %(cap)d개). "
            "다른 버전을 은퇴시키거나 끈 다음 다시 시도하세요."
        ) % {"team": self.team.name, "n": others.count(), "cap": cap}

    def api_key(self) -> str | None:
        """The key from the environment, read only from the variable this team may name (checked
        again here, so a row written around the form cannot read DJANGO_SECRET_KEY)."""
        if not self.api_key_env or api_key_env_problem(self.api_key_env, self.team.code) is not None:
            return None
        return os.environ.get(self.api_key_env) or None


CHECKPOINT_REQUIRED = _(
    "체크포인트 또는 가중치 해시: 비어 있습니다. 평가받는 모델의 해시나 식별자를 적어 주세요."
)
STATEMENT_REQUIRED = _(
    "동일성 확인 진술: 비어 있습니다. 평가받는 모델이 공개된 모델과 같다는 진술을 적어 주세요."
)
SIGNER_REQUIRED = _("확인자: 비어 있습니다. 진술을 확인한 팀 책임자의 이름을 적어 주세요.")
CHECKPOINT_FROZEN = _(
    "체크포인트 또는 가중치 해시: 이 버전은 이미 대결에 참여해 바꿀 수 없습니다. 새 체크포인트는 새 버전으로 등록하세요."
)


class Attestation(models.Model):
    """What a team declares its model version to be, before the version is sampled: the checkpoint,
    its size, its licence and where it is released, and a signed statement that the model evaluated
    here is the released one. Shown after the vote (model cards), read by the efficiency block."""

    endpoint = models.OneToOneField(
        ModelEndpoint, on_delete=models.CASCADE, related_name="attestation", verbose_name=_("모델 버전")
    )
    checkpoint = models.CharField(
        _("체크포인트 또는 가중치 해시"),
        max_length=200,
        help_text=_("공개 가중치의 SHA-256, 또는 비공개 모델의 체크포인트 식별자"),
        error_messages={"blank": CHECKPOINT_REQUIRED, "null": CHECKPOINT_REQUIRED},
    )
    params_total = models.PositiveBigIntegerField(_("전체 파라미터 수"), null=True, blank=True)
    params_active = models.PositiveBigIntegerField(
        _("활성 파라미터 수"), null=True, blank=True, help_text=_("전문가 혼합(MoE) 모델은 토큰당 쓰는 수")
    )
    licence = models.CharField(_("라이선스"), max_length=100)
    open_weights = models.BooleanField(_("가중치 공개"), default=False)
    release_url = models.URLField(_("공개 주소"), blank=True)
    release_date = models.DateField(_("공개일"), null=True, blank=True)
    statement = models.TextField(
        _("동일성 확인 진술"),
        help_text=_("평가받는 모델이 공개(예정)된 모델과 같다는 진술"),
        error_messages={"blank": STATEMENT_REQUIRED, "null": STATEMENT_REQUIRED},
    )
    signed_by_name = models.CharField(
        _("확인자"), max_length=100, error_messages={"blank": SIGNER_REQUIRED, "null": SIGNER_REQUIRED}
    )
    signed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("확인 시각"))

    class Meta:
        verbose_name = _("모델 버전 확인서")
        verbose_name_plural = _("모델 버전 확인서")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(params_active__isnull=True)
                | models.Q(params_total__isnull=True)
                | models.Q(params_active__lte=models.F("params_total")),
                name="attestation_active_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.checkpoint[:16]}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.pk or not self.endpoint_id:
            return
        before = Attestation.objects.filter(pk=self.pk).values_list("checkpoint", flat=True).first()
        battled = Battle.objects.filter(
            models.Q(model_a_id=self.endpoint_id) | models.Q(model_b_id=self.endpoint_id)
        ).exists()
        if before is not None and before != self.checkpoint and battled:
            # Votes already cast belong to the checkpoint they were cast on.
            raise ValidationError({"checkpoint": CHECKPOINT_FROZEN})


class CanaryRun(models.Model):
    """One drift check of one version: the secret canary prompts sent at temperature 0, the answers
    compared with the version's baseline. Never shown to citizens, never exported."""

    class Outcome(models.TextChoices):
        BASELINE = "baseline", _("기준 답변 기록")
        SAME = "same", _("기준과 같음")
        DRIFTED = "drifted", _("기준과 다름: 정지")
        UNHEALTHY = "unhealthy", _("응답 실패")

    class Review(models.TextChoices):
        PENDING = "pending", _("검토 대기")
        CLEARED = "cleared", _("같은 모델로 확인 (복귀)")
        CONFIRMED = "confirmed", _("다른 모델로 확인 (은퇴)")

    endpoint = models.ForeignKey(ModelEndpoint, on_delete=models.CASCADE, related_name="canary_runs")
    version = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    similarity = models.FloatField(_("기준 답변과의 유사도"), null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The answers of this run are the version's baseline (its first good run, or one staff accepted).
    is_baseline = models.BooleanField(default=False)
    review = models.CharField(max_length=10, choices=Review.choices, blank=True)
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-started_at"], name="canary_endpoint_newest")]
        verbose_name = _("드리프트 점검")
        verbose_name_plural = _("드리프트 점검")

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class CanaryAnswer(models.Model):
    """One canary prompt's answer in a run. The prompt itself is kept only as a hash: the set is secret."""

    run = models.ForeignKey(CanaryRun, on_delete=models.CASCADE, related_name="answers")
    prompt_key = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    similarity = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return f"{self.run_id} #{self.position}"


class MethodChange(models.Model):
    """One dated, versioned entry of the methodology changelog: a change to the rating method, its
    settings, the exclusion rules or the sampler. Every snapshot carries the version it was computed
    with. Entries are added, never edited away (arena/ratings/method.py writes them)."""

    version = models.CharField(_("방법 버전"), max_length=60, unique=True)
    algorithm = models.CharField(_("계산 방식"), max_length=40)
    effective_at = models.DateTimeField(_("적용 시각"))
    title = models.CharField(_("제목"), max_length=200)
    what = models.TextField(_("무엇이 바뀌었나"))
    why = models.TextField(_("왜 바꾸었나"), blank=True)
    author = models.CharField(_("누가"), max_length=100)
    settings = models.JSONField(_("설정"), default=dict)
    fingerprint = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_at", "-id"]
        verbose_name = _("평가 방법 변경 기록")
        verbose_name_plural = _("평가 방법 변경 기록")

    def __str__(self) -> str:
        return f"{self.version} {self.title}"


class Battle(models.Model):
    """Two anonymous models answering the same citizen, side by side."""

    class Status(models.TextChoices):
        OPEN = "open", _("진행 중")
        FAILED = "failed", _("실패")
        VOTED = "voted", _("투표 완료")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    voter = models.CharField(_("가명 투표자 ID"), max_length=64, db_index=True)
    model_a = models.ForeignKey(ModelEndpoint, on_delete=models.PROTECT, related_name="+")
    model_b = models.ForeignKey(ModelEndpoint, on_delete=models.PROTECT, related_name="+")
    # What the endpoints called themselves when the battle started: results stay tied to a version.
    model_a_version = models.CharField(max_length=200)
    model_b_version = models.CharField(max_length=200)
    pair_probability = models.FloatField(_("쌍 추출 확률"))
    # P(this pair) under the reference design (equal team exposure) / pair_probability: the weight that
    # keeps the ratings unbiased when the active sampler drew the pair (1.0 under the reference design).
    pair_weight = models.FloatField(_("쌍 추출 보정 가중치"), default=1.0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    failure = models.CharField(_("실패 사유"), max_length=200, blank=True)
    in_turn = models.BooleanField(_("답변 생성 중"), default=False)
    # When the current turn began: a battle left in_turn past the total timeout (a worker died mid-turn)
    # is released by the periodic sweep so its finished turns can still be voted on.
    turn_started_at = models.DateTimeField(_("답변 생성 시작"), null=True, blank=True)
    # The vote is kept but not counted: a name leaked in an answer, or the prompt asked for one.
    identity_leak = models.BooleanField(_("모델 정체 노출"), default=False)
    # Filled as turns are stored; the leaderboard's views group on these without reading any text.
    turn_count = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(max_length=8, blank=True, help_text=_("첫 질문의 언어 (ko / other)"))
    chars_a = models.PositiveIntegerField(default=0)
    chars_b = models.PositiveIntegerField(default=0)
    headers_a = models.PositiveIntegerField(default=0)
    headers_b = models.PositiveIntegerField(default=0)
    lists_a = models.PositiveIntegerField(default=0)
    lists_b = models.PositiveIntegerField(default=0)
    bold_a = models.PositiveIntegerField(default=0)
    bold_b = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(model_a=models.F("model_b")), name="battle_distinct_models"
            ),
        ]
        verbose_name = _("대결")
        verbose_name_plural = _("대결")

    def __str__(self) -> str:
        return str(self.id)


class Turn(models.Model):
    """One prompt and both answers. Only the redacted prompt is ever stored."""

    battle = models.ForeignKey(Battle, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveSmallIntegerField()
    prompt = models.TextField(_("질문 (개인정보 가림)"))
    response_a = models.TextField(blank=True)
    response_b = models.TextField(blank=True)
    reasoning_a = models.TextField(blank=True)
    reasoning_b = models.TextField(blank=True)
    ttft_ms_a = models.PositiveIntegerField(null=True, blank=True)
    ttft_ms_b = models.PositiveIntegerField(null=True, blank=True)
    tokens_per_s_a = models.FloatField(null=True, blank=True)
    tokens_per_s_b = models.FloatField(null=True, blank=True)
    output_tokens_a = models.PositiveIntegerField(null=True, blank=True)
    output_tokens_b = models.PositiveIntegerField(null=True, blank=True)
    finish_reason_a = models.CharField(max_length=40, blank=True)
    finish_reason_b = models.CharField(max_length=40, blank=True)
    error_a = models.CharField(max_length=300, blank=True)
    error_b = models.CharField(max_length=300, blank=True)
    # The citizen's connection closed before both answers finished. Kept (the prompt did reach both
    # models) but not a failure of either model: the battle's earlier finished turns stay votable.
    cancelled = models.BooleanField(_("연결 끊김으로 중단"), default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["battle", "index"]
        constraints = [models.UniqueConstraint(fields=["battle", "index"], name="turn_unique_index")]

    def __str__(self) -> str:
        return f"{self.battle_id} #{self.index + 1}"

    @property
    def failed(self) -> bool:
        """A model failed this turn (which closes the battle to voting); a cancelled turn did not."""
        return bool(self.error_a or self.error_b) and not self.cancelled


class Vote(models.Model):
    """A citizen's verdict. Never deleted to exclude it: `inclusion` says whether and why not it counts."""

    class Choice(models.TextChoices):
        A = "a", _("A가 더 좋음")
        B = "b", _("B가 더 좋음")
        TIE = "tie", _("비슷함")
        BOTH_BAD = "both_bad", _("둘 다 별로")

    class Inclusion(models.TextChoices):
        VALID = "valid", _("집계 포함")
        IDENTITY_LEAK = "identity_leak", _("모델 정체 노출")
        TOO_FAST = "too_fast", _("너무 빠른 투표")
        ANOMALOUS_VOTER = "anomalous_voter", _("이상 투표자")
        RATE_LIMITED = "rate_limited", _("한도 초과")
        DUPLICATE_PROMPT = "duplicate_prompt", _("반복 질문")
        DELETED_BY_CITIZEN = "deleted_by_citizen", _("본인 요청 삭제")
        STAFF_EXCLUDED = "staff_excluded", _("검토자 제외")
        # First-time voters from one network, within one window, backing the same model (NetworkFlag).
        NETWORK_BURST = "network_burst", _("같은 네트워크의 신규 투표자 집중")
        # A heavy underdog's win from a new account (arena/integrity/upset.py); never a panel vote.
        UPSET = "upset", _("신규 계정의 큰 이변 승리")

    class Trust(models.TextChoices):
        """How much the vote counts in the fit, by its voter's trust (arena/integrity/trust.py)."""

        PANEL = "panel", _("국민평가단 (가중치 최고)")
        ESTABLISHED = "established", _("기존 투표자")
        NEW = "new", _("신규 계정 (가중치 낮춤)")

    battle = models.OneToOneField(Battle, on_delete=models.CASCADE, related_name="vote")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    voter = models.CharField(_("가명 투표자 ID"), max_length=64, db_index=True)
    seconds_after_last_token = models.FloatField(_("마지막 토큰 후 투표까지 (초)"))
    inclusion = models.CharField(
        _("집계 포함 여부"), max_length=24, choices=Inclusion.choices, default=Inclusion.VALID, db_index=True
    )
    # A keyed hash of the voter's network (/24 or /48) under that day's key, which is destroyed when
    # the day ends: votes of one network and day can be tested together, no address can be recovered.
    network = models.CharField(_("네트워크 (일별 키 해시)"), max_length=32, blank=True, db_index=True)
    flag = models.ForeignKey(
        "NetworkFlag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
        verbose_name=_("사유"),
    )
    # Set by the hourly integrity scan; a vote not yet scanned counts at 1.0.
    weight = models.FloatField(_("신뢰 가중치"), default=1.0)
    trust = models.CharField(_("신뢰 수준"), max_length=12, choices=Trust.choices, blank=True)
    # The classroom or 국민평가단 session the voter had joined when voting (not in the open export).
    cohort = models.ForeignKey(
        "Cohort",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
        verbose_name=_("세션"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("투표")
        verbose_name_plural = _("투표")

    def __str__(self) -> str:
        return f"{self.battle_id}: {self.choice}"


class LeaderboardSnapshot(models.Model):
    """One computed leaderboard for one view. Pages and the API read the newest; nobody fits on request."""

    class View(models.TextChoices):
        OVERALL = "overall", _("전체")
        KOREAN = "korean", _("한국어 질문")
        OTHER_LANGUAGE = "other_language", _("그 밖의 언어 질문")
        MULTI_TURN = "multi_turn", _("여러 차례 대화")
        STYLE_CONTROLLED = "style_controlled", _("문체 보정")
        PANEL = "panel", _("국민평가단 (본인확인)")
        PUBLIC = "public", _("공개 참여")
        PUBLIC_RAKED = "public_raked", _("공개 참여, 국민평가단 구성비로 보정")

    view = models.CharField(max_length=24, choices=View.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    votes_counted = models.PositiveIntegerField()
    votes_excluded = models.JSONField(default=dict, help_text=_("제외 사유별 표 수"))
    seed = models.PositiveIntegerField()
    bootstrap_rounds = models.PositiveIntegerField()
    min_votes = models.PositiveIntegerField()
    # rows: one dict per model; matrices: model order, win-rate and battle-count matrices.
    rows = models.JSONField()
    matrices = models.JSONField()
    method = models.JSONField(default=dict)
    # The methodology changelog's version this board was computed with (arena/ratings/method.py).
    method_version = models.CharField(_("방법 버전"), max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["view", "-created_at"], name="snapshot_view_newest")]
        verbose_name = _("리더보드 스냅숏")
        verbose_name_plural = _("리더보드 스냅숏")

    def __str__(self) -> str:
        return f"{self.view} {self.created_at:%Y-%m-%d %H:%M}"


class ModerationRule(models.Model):
    """A pattern staff can edit. Korean and English rules live side by side; defaults are seeded."""

    class Action(models.TextChoices):
        BLOCK = "block", _("차단하고 안내")
        CRISIS = "crisis", _("위기 상담 안내")

    class Target(models.TextChoices):
        PROMPT = "prompt", _("질문")
        RESPONSE = "response", _("답변")
        BOTH = "both", _("질문과 답변")

    category = models.CharField(_("분류"), max_length=40)
    pattern = models.TextField(_("정규식"), help_text=_("대소문자를 구분하지 않습니다."))
    action = models.CharField(_("조치"), max_length=10, choices=Action.choices, default=Action.BLOCK)
    target = models.CharField(_("대상"), max_length=10, choices=Target.choices, default=Target.BOTH)
    language = models.CharField(_("언어"), max_length=8, default="ko")
    enabled = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("검열 규칙")
        verbose_name_plural = _("검열 규칙")

    def __str__(self) -> str:
        return f"{self.category}: {self.pattern[:40]}"

    def clean(self) -> None:
        import re

        from django.core.exceptions import ValidationError

        try:
            re.compile(self.pattern)
        except re.error as error:
            raise ValidationError({"pattern": _("올바른 정규식이 아닙니다: %(e)s") % {"e": error}}) from None
        if "(?P<" in self.pattern:
            # Rules are joined into one pattern with named groups of their own.
            raise ValidationError({"pattern": _("이름 붙은 그룹 (?P<...>)은 쓸 수 없습니다.")})


class ModerationCount(models.Model):
    """How many prompts or answers each category stopped, per day. The text itself is never kept."""

    day = models.DateField()
    target = models.CharField(max_length=10)
    category = models.CharField(max_length=40)
    action = models.CharField(max_length=10)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "target", "category", "action"], name="moderation_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.target} {self.category}: {self.count}"


class LedgerHead(models.Model):
    """The single row locked while a vote joins the ledger, so entries get one gap-free order."""

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"ledger head {self.seq}"


class VoteLedgerEntry(models.Model):
    """One vote's facts chained by hash to the entry before: altering any stored vote breaks the chain."""

    seq = models.PositiveBigIntegerField(unique=True)
    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="ledger_entry")
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash[:12]}"


class LedgerRoot(models.Model):
    """The chain's hash at the end of a day, published on the methodology page."""

    day = models.DateField(unique=True)
    last_seq = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    votes = models.PositiveIntegerField()

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.root_hash[:12]}"


class VoterFlag(models.Model):
    """A voter the anomaly test flagged, and what a reviewer decided about them."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", _("검토 대기")
        EXCLUDED = "excluded", _("제외 확정")
        CLEARED = "cleared", _("정상으로 복원")

    class Test(models.TextChoices):
        EVALUE = "evalue", _("이상 점수 (e-value)")
        LIKELIHOOD = "likelihood", _("우도 검정")

    voter = models.CharField(max_length=64, unique=True)
    log_evalue = models.FloatField(_("이상 점수 (log e-value)"))
    test = models.CharField(_("걸린 검정"), max_length=12, choices=Test.choices, default=Test.EVALUE)
    likelihood_z = models.FloatField(_("우도 검정 z"), null=True, blank=True)
    favoured = models.ForeignKey(ModelEndpoint, null=True, on_delete=models.SET_NULL, related_name="+")
    decisive_votes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FLAGGED)
    reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-log_evalue"]

    def __str__(self) -> str:
        return f"{self.voter[:12]} {self.status}"


class DailyKey(models.Model):
    """The key of one day's network and device hashes. Only today's exists: the previous day's is
    deleted when today's is made, so a stored hash can no longer be tied to any address."""

    day = models.DateField(unique=True)
    key = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class NetworkFlag(models.Model):
    """First-time voters from one network, in one time window, whose votes back one model far more
    than the ratings from everyone else's votes make likely. Their votes are set aside, not deleted."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", _("검토 대기")
        EXCLUDED = "excluded", _("제외 확정")
        CLEARED = "cleared", _("정상으로 복원")

    network = models.CharField(max_length=32)
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    favoured = models.ForeignKey(ModelEndpoint, null=True, on_delete=models.SET_NULL, related_name="+")
    voters = models.PositiveIntegerField(_("신규 투표자 수"))
    decisive_votes = models.PositiveIntegerField()
    log_evalue = models.FloatField(_("이상 점수 (log e-value)"))
    reason = models.TextField(_("사유"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FLAGGED)
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-log_evalue"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "window_start", "window_seconds"], name="network_flag_unique_window"
            )
        ]
        verbose_name = _("네트워크 집중 투표")
        verbose_name_plural = _("네트워크 집중 투표")

    def __str__(self) -> str:
        return f"{self.network[:10]} {self.window_start:%Y-%m-%d %H:%M} {self.status}"


def _campaign_salt() -> str:
    import secrets

    return secrets.token_hex(32)


# The programme's plan for the 500-person citizen panel (shared/research/domain-facts.md 2.1).
DEFAULT_MARGINS = {
    "gender": {"female": 0.5, "male": 0.5},
    "region": {"capital": 0.5, "non_capital": 0.5},
    "age_band": {"20s": 0.2, "30s": 0.2, "40s": 0.2, "50s": 0.2, "60plus": 0.2},
    "proficiency": {"advanced": 0.2, "intermediate": 0.5, "novice": 0.3},
}


def _default_margins() -> dict:
    return {dim: dict(shares) for dim, shares in DEFAULT_MARGINS.items()}


class CampaignQuerySet(models.QuerySet):
    def switched_on(self):
        """Campaigns switched on, newest first: the first is the one whose panel counts now."""
        return self.filter(is_active=True).order_by("-created_at")

    def active(self) -> "Campaign | None":
        """The campaign whose panel counts now: the newest one switched on."""
        return self.switched_on().first()


class Campaign(models.Model):
    """An evaluation campaign with a verified citizen panel (국민평가단) and its quota margins."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("이름"), max_length=200)
    seats = models.PositiveIntegerField(_("좌석 수"), default=500)
    margins = models.JSONField(_("할당 비율"), default=_default_margins)
    # Keys the per-person hash: the same person in two campaigns cannot be linked.
    salt = models.CharField(max_length=64, default=_campaign_salt, editable=False)
    is_active = models.BooleanField(_("진행 중"), default=True)
    # Shown to members who asked for help (a phone line or office of the panel's operator).
    support_contact = models.CharField(_("지원 문의처"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("평가 캠페인")
        verbose_name_plural = _("평가 캠페인")

    def __str__(self) -> str:
        return self.name

    def seats_for(self, dimension: str, category: str) -> int:
        return round(self.seats * self.margins.get(dimension, {}).get(category, 0))


class Demographics(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("여성")
        MALE = "male", _("남성")

    class Region(models.TextChoices):
        CAPITAL = "capital", _("수도권 (서울·경기·인천)")
        NON_CAPITAL = "non_capital", _("비수도권")

    class AgeBand(models.TextChoices):
        TWENTIES = "20s", _("20대")
        THIRTIES = "30s", _("30대")
        FORTIES = "40s", _("40대")
        FIFTIES = "50s", _("50대")
        SIXTY_PLUS = "60plus", _("60대 이상")

    class Proficiency(models.TextChoices):
        ADVANCED = "advanced", _("능숙함: 업무나 개발에 AI를 자주 씀")
        INTERMEDIATE = "intermediate", _("보통: 가끔 AI 서비스를 씀")
        NOVICE = "novice", _("처음: 거의 써 본 적 없음")

    gender = models.CharField(_("성별"), max_length=10, choices=Gender.choices)
    region = models.CharField(_("거주 지역"), max_length=12, choices=Region.choices)
    age_band = models.CharField(_("연령대"), max_length=8, choices=AgeBand.choices)
    proficiency = models.CharField(_("AI 활용 수준"), max_length=14, choices=Proficiency.choices)

    DIMENSIONS = ("gender", "region", "age_band", "proficiency")

    class Meta:
        abstract = True

    def categories(self) -> dict[str, str]:
        return {dim: getattr(self, dim) for dim in self.DIMENSIONS}


class PanelMember(Demographics):
    """A verified citizen in a campaign's panel. Only a salted hash of the provider's person id is
    kept: no identifier, name or resident number."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="members")
    person_hash = models.CharField(max_length=64)
    voter = models.CharField(max_length=64, db_index=True)
    # None: the general panel, enrolled against the campaign's margins.
    cell = models.ForeignKey(
        "PanelCell",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("모집 칸"),
    )
    invitation = models.ForeignKey(
        "PanelInvitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # Self-declared and optional, with its own consent (disability is sensitive data, PIPA 제23조):
    # what makes digital services hard for the member, and the support they asked for.
    access_conditions = models.JSONField(_("디지털 이용 어려움"), default=list, blank=True)
    access_supports = models.JSONField(_("필요한 지원"), default=list, blank=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person_hash"], name="panel_one_person_one_seat")
        ]
        verbose_name = _("국민평가단원")
        verbose_name_plural = _("국민평가단")

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.person_hash[:10]}"


class VoterProfile(Demographics):
    """Optional, self-reported answers of an open-public voter, used only for post-stratification."""

    voter = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.voter[:12]


class PanelCell(models.Model):
    """Seats reserved for a group beside the general panel's margins, such as digitally vulnerable
    citizens (the MOIS 국민평가단 of 2025: 22 of 322). Members here are not subject to the margins, so a
    full age band can never squeeze them out; the margins describe the general panel."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cells")
    key = models.SlugField(max_length=40)
    name = models.CharField(_("이름"), max_length=100)
    seats = models.PositiveIntegerField(_("좌석 수"))
    description = models.TextField(_("설명"), blank=True)
    # Citizens who declare a digital-access condition may take these seats without an invitation.
    for_access_needs = models.BooleanField(_("디지털 취약계층 좌석"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="panelcell_unique_key")]
        verbose_name = _("국민평가단 모집 칸")
        verbose_name_plural = _("국민평가단 모집 칸")

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.name}"


class PanelInvitation(models.Model):
    """An invitation code for one cell (or the general panel). Only a hash of the code is kept: it is
    shown once when staff create it and handed to the invitee (or the partner organisation)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    cell = models.ForeignKey(
        PanelCell, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("배포처"), max_length=200, blank=True)
    max_uses = models.PositiveIntegerField(_("사용 가능 횟수"), default=1)
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(_("만료"), null=True, blank=True)
    created_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uses__lte=models.F("max_uses")), name="invitation_uses_bounded"
            )
        ]
        verbose_name = _("국민평가단 초대 코드")
        verbose_name_plural = _("국민평가단 초대 코드")

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.label or self.code_hash[:8]}"


class VoteReason(models.Model):
    """Why a citizen voted as they did: the criteria that decided it and a written reason (redacted).
    Required of panel members; a row beside the vote rather than columns on it, so any vote can carry one."""

    vote = models.OneToOneField(Vote, on_delete=models.CASCADE, related_name="reason")
    criteria = models.JSONField(_("판단 기준"), default=list)
    text = models.TextField(_("이유 (개인정보 가림)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("투표 이유")
        verbose_name_plural = _("투표 이유")

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.text[:30]}"


class ReasonTag(models.Model):
    """One of the one-tap reasons a citizen may give after voting (compar:IA's configurable taxonomy).
    Staff edit the list here; while it is empty the built-in list in arena/panel/reasons.py applies."""

    class Polarity(models.TextChoices):
        POSITIVE = "positive", _("좋았던 점")
        NEGATIVE = "negative", _("아쉬운 점")

    key = models.SlugField(_("키"), max_length=40, unique=True)
    label_ko = models.CharField(_("이름 (한국어)"), max_length=60)
    label_en = models.CharField(_("이름 (영어)"), max_length=60)
    polarity = models.CharField(_("종류"), max_length=8, choices=Polarity.choices)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["polarity", "order", "key"]
        verbose_name = _("투표 이유 선택지")
        verbose_name_plural = _("투표 이유 선택지")

    def __str__(self) -> str:
        return self.label_ko


class VoteTag(models.Model):
    """A one-tap reason about one side of a voted battle ("A: accurate", "B: made things up"). Kept
    with the vote, published in the open export, counted per model on its page."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="tags")
    side = models.CharField(max_length=1, choices=[("a", "A"), ("b", "B")])
    tag = models.SlugField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vote", "side", "tag"]
        constraints = [models.UniqueConstraint(fields=["vote", "side", "tag"], name="votetag_unique")]

    def __str__(self) -> str:
        return f"{self.vote_id} {self.side}: {self.tag}"


class Cohort(models.Model):
    """A classroom or 국민평가단 session: a facilitator opens it, participants join with its short
    code, and their votes carry it. Its results show only once enough votes protect each person."""

    code = models.CharField(_("참여 코드"), max_length=8, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    facilitator = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("진행자")
    )
    is_open = models.BooleanField(_("참여 받는 중"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("평가 세션")
        verbose_name_plural = _("평가 세션")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CohortMember(models.Model):
    """A participant's pseudonym in a session (no name: the session counts people, never shows them)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    voter = models.CharField(max_length=64)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "voter"], name="cohortmember_unique")]

    def __str__(self) -> str:
        return f"{self.cohort.code}: {self.voter[:10]}"


class PanelExpertCheck(models.Model):
    """A panel battle sent to the experts' blind review queue, for the panel-expert agreement check."""

    battle = models.OneToOneField(Battle, on_delete=models.CASCADE, related_name="panel_check")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="expert_checks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return str(self.battle_id)


class DataReport(models.Model):
    """A report of sensitive data found in a published export, and what staff did about it. The
    reporter's e-mail, when given, is kept only until they have been told the outcome."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("접수")
        REDACTED = "redacted", _("가림 처리")
        REJECTED = "rejected", _("해당 없음")

    class File(models.TextChoices):
        VOTES_JSONL = "votes.jsonl", "votes.jsonl"
        VOTES_CSV = "votes.csv", "votes.csv"
        RANKING_CSV = "ranking.csv", _("순위 CSV")
        OTHER = "other", _("그 밖의 파일")

    receipt = models.CharField(max_length=16, unique=True)
    status_key_hash = models.CharField(max_length=64)
    file = models.CharField(_("파일"), max_length=20, choices=File.choices)
    row = models.CharField(_("행 (vote_id 또는 battle_id)"), max_length=80)
    vote = models.ForeignKey(
        Vote, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_reports"
    )
    what = models.TextField(_("신고 내용 (개인정보 가림)"))
    contact_email = models.EmailField(_("결과를 받을 전자우편"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    decision_note = models.TextField(_("처리 결과"), blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("공개 자료 신고")
        verbose_name_plural = _("공개 자료 신고")

    def __str__(self) -> str:
        return self.receipt


class RedTeamRun(models.Model):
    """One replay of the rigging red team (`manage.py redteam`): its figures, as published on
    /methodology/ with the date and the method version they were measured with."""

    created_at = models.DateTimeField(auto_now_add=True)
    votes = models.PositiveIntegerField(_("정상 투표 수"))
    seed = models.PositiveIntegerField()
    method_version = models.CharField(_("방법 버전"), max_length=40)
    report = models.JSONField(_("결과"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("조작 대응 시험")
        verbose_name_plural = _("조작 대응 시험")

    def __str__(self) -> str:
        return f"red team {self.created_at:%Y-%m-%d} ({self.votes} votes)"


class AATest(models.Model):
    """An A/A test: one endpoint enrolled under a second anonymous name for a season. The two names are
    the same model, so their intervals should overlap; the methodology page publishes whether they do."""

    endpoint = models.ForeignKey(
        ModelEndpoint, on_delete=models.PROTECT, related_name="aa_tests", verbose_name=_("원래 버전")
    )
    twin = models.OneToOneField(
        ModelEndpoint, on_delete=models.PROTECT, related_name="aa_twin_of", verbose_name=_("두 번째 이름")
    )
    season_start = models.DateField(_("시작일"))
    season_end = models.DateField(_("종료일"))
    created_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-season_start", "-id"]
        verbose_name = _("A/A 시험")
        verbose_name_plural = _("A/A 시험")

    def __str__(self) -> str:
        return f"A/A {self.endpoint} = {self.twin.name}"


# Read by every turn and kept in the cache (arena/battles/selectors.py, arena/safety/moderation.py); a
# save or delete anywhere drops the entry, so every worker sees the change from its next turn on.
ALIASES_CACHE_KEY = "arena:aliases"
RULES_CACHE_KEY = "arena:moderation-rules"


def _drop_aliases(**kwargs) -> None:
    cache.delete(ALIASES_CACHE_KEY)


def _drop_rules(**kwargs) -> None:
    cache.delete(RULES_CACHE_KEY)


for _sender in (Team, ModelEndpoint):
    post_save.connect(_drop_aliases, sender=_sender, dispatch_uid=f"aliases-{_sender.__name__}-save")
    post_delete.connect(_drop_aliases, sender=_sender, dispatch_uid=f"aliases-{_sender.__name__}-delete")
post_save.connect(_drop_rules, sender=ModerationRule, dispatch_uid="rules-save")
post_delete.connect(_drop_rules, sender=ModerationRule, dispatch_uid="rules-delete")
