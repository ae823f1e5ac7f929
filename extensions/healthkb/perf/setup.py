"""``setup_perf(app)``: the speed layer, installed when ``kb_fast_build`` is on.

The configuration is known only once ``conf.py`` is read, so the patches are installed
at ``config-inited``; each checks what it relies on when it is installed (see
:mod:`healthkb.perf`). What decides the site's files is installed in every build: the
fixes of :mod:`healthkb.perf.reproducible`, and :mod:`healthkb.perf.search` (with the answer
index Sphinx copies no stemmer files), so the site is the same with the layer on or off.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

from healthkb.perf.parallel import install_parallel, setup_parallel_config
from healthkb.perf.reproducible import setup_kept_in_step
from healthkb.perf.search import install_search
from healthkb.perf.templates import install_templates
from healthkb.perf.tocs import install_tocs, restore_plain_tocs


def _install(app: Sphinx, config: Config) -> None:
    if not config.kb_fast_build:
        app.connect("builder-inited", restore_plain_tocs)
        return
    install_parallel(app)
    install_tocs(app)
    install_templates(app)


def setup_perf(app: Sphinx) -> None:
    setup_parallel_config(app)
    setup_kept_in_step(app)
    install_search(app)
    # After the configuration's checks (core.config: kb_fast_build is a bool by then).
    app.connect("config-inited", _install, priority=800)
