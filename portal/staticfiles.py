"""A static-files finder for packages whose npm tarball is mostly what the portal must not ship.

STATICFILES_DIRS serves a whole folder of node_modules (htmx' dist/, DOMPurify's dist/). The design
system and the web font come with sources, samples and every weight of every format (pretendard-gov is
200 MB): `NODE_STATIC_FILES` names, per package, the few files the pages use, and only those are found,
served in development and copied by collectstatic. Each file keeps its path inside the package, so the
relative url()s of a package's CSS still resolve (and the manifest storage can rewrite them).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class NodeFilesFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # prefix -> (storage rooted at the package folder, the chosen paths inside it)
        self.packages: dict[str, tuple[FileSystemStorage, list[str]]] = {}
        for prefix, (root, patterns) in settings.NODE_STATIC_FILES.items():
            root = Path(root)
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix
            paths = sorted(
                {
                    p.relative_to(root).as_posix()
                    for pattern in patterns
                    for p in root.glob(pattern)
                    if p.is_file()
                }
            )
            self.packages[prefix] = (storage, paths)

    def check(self, **kwargs):
        return [
            Error(f"NODE_STATIC_FILES[{prefix!r}] finds no file: run `npm ci`.", id="portal.E101")
            for prefix, (_, paths) in self.packages.items()
            if not paths
        ]

    def find(self, path, find_all=False, **kwargs):
        matches = []
        for prefix, (storage, paths) in self.packages.items():
            inner = path.removeprefix(prefix + "/")
            if inner != path and inner in paths:
                if not find_all:
                    return storage.path(inner)
                matches.append(storage.path(inner))
        return matches

    def list(self, ignore_patterns):
        for storage, paths in self.packages.values():
            for path in paths:
                if not utils.matches_patterns(path, ignore_patterns or []):
                    yield path, storage
