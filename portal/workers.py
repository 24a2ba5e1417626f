"""The gunicorn worker for production: uvicorn's, with the portal's websocket limits.

`gunicorn -k uvicorn_worker.UvicornWorker` takes no uvicorn options from the command line, so the
frame limit that `make run` passes as `--ws-max-size` lives here: a frame larger than a prompt needs
is refused by the server before the portal reads it.
"""

from uvicorn_worker import UvicornWorker as _UvicornWorker

WS_MAX_BYTES = 64 * 1024


class UvicornWorker(_UvicornWorker):
    CONFIG_KWARGS = {
        **_UvicornWorker.CONFIG_KWARGS,
        "ws_max_size": WS_MAX_BYTES,
        # As in `make run`: token frames are small and many, compressing each costs more than it saves.
        "ws_per_message_deflate": False,
    }
