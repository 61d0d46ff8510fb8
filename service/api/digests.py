"""GET /v1/digests/latest: the last digest `sourced digest` made for the caller's tenant."""

from __future__ import annotations

from flask import Blueprint

from service.api import runtime, tenant
from service.api.schema import operation
from service.digest import Digest, load_latest
from service.errors import ProblemError

bp = Blueprint("digests", __name__, url_prefix="/v1/digests")


@bp.get("/latest")
@operation("The latest newsletter digest of this tenant, with every summary's cited sentences", response=Digest)
def latest():
    digest = load_latest(runtime().settings.data_dir, tenant())
    if digest is None:
        raise ProblemError(404, "Not Found", "no readable digest for this tenant (none made yet, or the file "
                                             "cannot be read: the log says which); `sourced digest` makes one")
    return digest.model_dump(mode="json")
