#!/bin/sh
# Every container of the portal's image starts here: the production start-up checks first (the same
# refusals portal.asgi makes when a server loads it: development keys and salts, in-memory layers,
# eager Celery, an untrusted proxy setting, ...), then the command. A container whose settings would
# be refused stops here, with every problem named, before it serves anything or runs a task.
set -eu
python manage.py check --deploy --fail-level ERROR >&2
exec "$@"
