from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """Stage evaluation: rounds, evidence, expert blind review, the scorecard and its publication."""

    name = "evaluation"
    label = "evaluation"
    verbose_name = "단계평가"
    default_auto_field = "django.db.models.BigAutoField"
