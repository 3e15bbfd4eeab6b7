"""A cap on uploaded files, applied while the request is being read.

Django stores an upload (in memory or a temporary file) before any view sees it, so a
size check in the view comes after the disk or memory has been used. This handler,
first in FILE_UPLOAD_HANDLERS, stops storing a file as soon as it passes
KAMPUNG_MAX_UPLOAD_BYTES: the rest of the body is read and thrown away, the file is
left out of request.FILES, and `request.upload_too_large` tells the view to say why.
(A limit at the proxy in front still saves the bandwidth.)"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def too_large(request) -> bool:
    return bool(getattr(request, "upload_too_large", False))


class CappedUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.KAMPUNG_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None  # the next handler builds the file
