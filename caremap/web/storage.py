"""Static files with content-hashed names, pre-compressed (gzip, and Brotli when installed).

`caremap demo` and a production deployment run `collectstatic`, which writes the hashed and
compressed copies to STATIC_ROOT and a manifest; WhiteNoise then serves them with far-future
cache headers. Before collectstatic has run (unit tests, a fresh checkout), there is no
manifest and URLs keep their plain names, served from the apps and node_modules.
"""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        if not self.hashed_files:
            return StaticFilesStorage.url(self, name)
        # Hashed names in DEBUG too, so the demo serves what production serves.
        return self._url(self.stored_name, name, force=True)
