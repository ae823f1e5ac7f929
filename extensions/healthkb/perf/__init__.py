"""The speed layer: what makes large builds fast by touching other packages' internals.

Every use of a private name of Sphinx, furo or sphinx-sitemap (an underscored attribute, a
replaced method, an attribute another package sets for itself) lives in this package and
nowhere else (tests/test_perf_layer.py scans the rest of the package). Each patch checks,
when it is installed, that what it relies on is there with the shape it expects; if not,
it logs one ``info`` line naming the patch and what is missing (:mod:`.guards`) and
Sphinx's own code runs. ``kb_fast_build = False`` installs none of the speed-only patches; the
site is byte-identical either way (tests/test_perf_layer.py builds it both ways).

Speed only (installed by :func:`healthkb.perf.setup.setup_perf` when ``kb_fast_build`` is
on):

- :mod:`.parallel`: with ``-j``, forked readers send back only the pages they read (they
  clear the other pages' data from ``env.tocs``, ``env.metadata`` and the kb domain), a
  few changed pages are read in the main process (``app.parallel``), writers resolve
  their own pages (replaces ``Builder._write_parallel``; ``ParallelTasks`` subclassed,
  using ``_pworking``, ``_precvs``, ``_precvs_waiting``, ``_procs``, ``_result_funcs``,
  ``_args``, ``_join_one``), and doctrees are not kept in memory
  (``env._write_doc_doctree_cache``, ``env._pickled_doctree_cache``). Each part has its
  own check; a part that finds its names missing is left out.
- :mod:`.tocs`: ``env.tocs`` (a plain dict) swapped for a dict that keeps each table of
  contents pickled until used. With the layer off, a saved environment gets its plain dict
  back.
- :mod:`.templates`: Jinja's bytecode cache on ``builder.templates.environment``, and the
  render stamp (``builder.templates.newest_template_mtime``, ``builder.build_info``) that
  lets the topic pages be written only when they change (event ``kb-render-stamp``; with
  no stamp every topic page is written).

What decides the site's files, installed in every build (the site must be the same with
the layer on or off, and none of it can be done with public API):

- :mod:`.reproducible`: an incremental build's ``sitemap.xml`` completed and sorted
  through sphinx-sitemap's queue (``app.sitemap_links``), and words no page uses dropped
  from Sphinx's search index (``indexer._mapping``, ``indexer._title_mapping``): the
  incremental = clean tests need both. The third fix of that kind, deleting the pages of
  removed sources, needs no private name and lives in :mod:`healthkb.site.reproducible`.
- :mod:`.search`: with the answer index, the HTML builder's ``prepare_writing`` wrapped so that
  Sphinx makes no search indexer (``builder.search`` off while it prepares). It is also
  the layer's largest saving, but an indexer would add Sphinx's stemmer files to the site.
  Without it Sphinx indexes every page and :mod:`healthkb.search.extension` removes the
  ``searchindex.js`` it writes.

Outside Sphinx: :mod:`.build` is the Python process of ``python -m healthkb.perf.build``
(garbage collector settings, soupsieve imported only when used). It runs before any
configuration is read, so ``kb_fast_build`` does not reach it; ``sphinx-build`` is the
same build without it.

The versions these patches were written against are the upper bounds of Sphinx, furo and
sphinx-sitemap in ``pyproject.toml``.
"""
