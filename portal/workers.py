"""The gunicorn worker for production: uvicorn's, with the portal's websocket limits and a drain.

`gunicorn -k uvicorn_worker.UvicornWorker` takes no uvicorn options from the command line, so the
frame limit that `make run` passes as `--ws-max-size` lives here: a frame larger than a prompt needs
is refused by the server before the portal reads it.

On SIGTERM (a deploy, a scale-in, `docker stop`) uvicorn would close every websocket at once,
cutting battles mid-answer. This worker first stops accepting connections, then lets the turns in
flight finish (core/draining.py, at most PORTAL_DRAIN_SECONDS), and only then lets uvicorn close
what is left. gunicorn's graceful timeout (portal/gunicorn_conf.py) is longer than the drain.
"""

import logging
import sys

from django.conf import settings
from gunicorn.arbiter import Arbiter
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker as _UvicornWorker

from core import draining

WS_MAX_BYTES = 64 * 1024
log = logging.getLogger(__name__)


class DrainingServer(Server):
    async def shutdown(self, sockets=None) -> None:
        draining.drain_begin()
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        in_flight = draining.turns_in_flight()
        if in_flight:
            log.info("draining: %d battle turns in flight", in_flight)
        left = await draining.turns_finished(settings.PORTAL_DRAIN_SECONDS)
        if left:
            log.warning("draining: %d battle turns still streaming at the deadline are cancelled", left)
        await super().shutdown(sockets=sockets)


class UvicornWorker(_UvicornWorker):
    CONFIG_KWARGS = {
        **_UvicornWorker.CONFIG_KWARGS,
        "ws_max_size": WS_MAX_BYTES,
        # As in `make run`: token frames are small and many, compressing each costs more than it saves.
        "ws_per_message_deflate": False,
        # The access log would carry client addresses; portal/request_log.py writes one without them.
        "access_log": False,
    }

    async def _serve(self) -> None:
        # uvicorn_worker's own _serve, with the draining server.
        self.config.app = self.wsgi
        server = DrainingServer(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)
