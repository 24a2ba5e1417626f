"""Error pages and error e-mails never show the passwords inside service URLs."""

import sys

from django.views.debug import ExceptionReporter, technical_500_response

SECRET = "pw-9f3c1e77"


def _service_settings(settings) -> None:
    settings.DATABASE_URL = f"postgres://kai:{SECRET}@db.internal:5432/kai"
    settings.REDIS_URL = f"redis://:{SECRET}@redis.internal:6379/0"
    settings.CELERY_BROKER_URL = f"redis://broker:{SECRET}@redis.internal:6379/1"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": "kai:channels"},
        }
    }
    settings.SOME_UPSTREAM = f"https://user:{SECRET}@upstream.example.kr/v1"


def _failure(url: str) -> None:
    raise RuntimeError("the database went away")


def _exc_info(url: str):
    try:
        _failure(url)
    except RuntimeError:
        return sys.exc_info()


def test_technical_500_page_hides_service_urls_and_passwords(rf, settings):
    _service_settings(settings)
    request = rf.get("/boom")
    response = technical_500_response(request, *_exc_info(settings.DATABASE_URL))
    html = response.content.decode()
    assert "RuntimeError" in html and "DATABASE_URL" in html and "CELERY_BROKER_URL" in html
    assert SECRET not in html


def test_error_email_text_hides_them_too(rf, settings):
    _service_settings(settings)
    text = ExceptionReporter(rf.get("/boom"), *_exc_info(settings.REDIS_URL)).get_traceback_text()
    assert "REDIS_URL" in text
    assert SECRET not in text
