import pytest

from arena.endpoints.tasks import endpoints_probe
from arena.models import ModelEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


def test_probe_marks_dead_endpoints_unhealthy_and_back(one_dead_endpoint, demo_models_url):
    alive, dead = one_dead_endpoint
    results = endpoints_probe.delay().get()
    assert results[alive.pk] == "" and results[dead.pk].startswith("connect")
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert alive.is_healthy and alive.last_probe_at is not None
    assert not dead.is_healthy and dead.last_probe_error.startswith("connect")
    assert list(ModelEndpoint.objects.available()) == [alive]
    # The endpoint comes back: the next probe returns it to the sampler.
    ModelEndpoint.objects.filter(pk=dead.pk).update(base_url=demo_models_url + "/v1", model_id="demo-raon")
    endpoints_probe.delay()
    dead.refresh_from_db()
    assert dead.is_healthy and dead.last_probe_error == ""
