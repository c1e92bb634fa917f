"""Imported once by the scan fork server, so that each worker forks with LightGBM and the
feature code loaded (about 1.5 s saved per worker), LightGBM imported lean
(:mod:`farmdetect.lean_lightgbm`)."""

from farmdetect.lean_lightgbm import import_lightgbm, set_lean

set_lean()
import_lightgbm()

import farmdetect.batch  # noqa: E402,F401
import farmdetect.features  # noqa: E402,F401
import farmdetect.model  # noqa: E402,F401
import farmdetect.scorer  # noqa: E402,F401
