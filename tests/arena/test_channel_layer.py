"""The battle socket's channel layer on Redis: an idle socket waits, it does not fail."""

import asyncio
import os

import pytest
from channels.layers import channel_layers


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis configured by REDIS_URL")
async def test_a_battle_socket_idle_longer_than_the_layers_poll_keeps_waiting():
    """channels_redis polls for 5 s at a time; with redis-py 8's default 5 s read timeout the poll
    raised a Redis TimeoutError and closed the citizen's socket while a model was still thinking."""
    # The layer the settings build (as each process builds its own), not the process-wide instance an
    # earlier test's event loop may still be receiving on (channels_redis allows one loop per layer).
    layer = channel_layers.make_backend("default")
    channel = await layer.new_channel()
    try:
        # Our own deadline ends the wait (builtin TimeoutError), not a Redis error from inside the layer.
        with pytest.raises(TimeoutError) as ended:
            await asyncio.wait_for(layer.receive(channel), 7)
        assert type(ended.value) is TimeoutError
    finally:
        await layer.close_pools()
