import pytest

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_all_components_usable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "cache", "channel_layer", "celery_broker"}
    assert all(part["ok"] for part in body["components"].values())


def test_broken_cache_is_named(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_broken_channel_layer_is_named(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [DEAD_REDIS]}}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["channel_layer"]


def test_unreachable_broker_is_named(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["celery_broker"]
    assert "redis://" not in response.content.decode()


OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address: not the monitoring network


def test_anonymous_visitor_from_outside_learns_only_ok_or_not(client, settings):
    assert client.get("/healthz", **OUTSIDE).json() == {"status": "ok"}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get("/healthz", **OUTSIDE)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_staff_from_outside_see_the_detail(client, django_user_model):
    from django.contrib.auth.models import Group

    from core import roles

    reviewer = django_user_model.objects.create_user("reviewer", password="pw")
    reviewer.groups.add(Group.objects.get(name=roles.MINISTRY_REVIEWER))
    client.force_login(reviewer)
    body = client.get("/healthz", **OUTSIDE).json()
    assert set(body["components"]) == {"database", "cache", "channel_layer", "celery_broker"}


def test_the_monitoring_network_is_configurable(client, settings):
    settings.HEALTHZ_DETAIL_NETWORKS = ["203.0.113.0/24"]
    assert "components" in client.get("/healthz", **OUTSIDE).json()
    assert "components" not in client.get("/healthz").json()  # 127.0.0.1 is no longer listed
