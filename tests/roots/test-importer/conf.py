"""A site for the pages the importer writes (tests/importer/test_sphinx_build.py).

The {faq} and {safety} directives and the {cite} and {needs-source} roles belong to other
modules of healthkb; where they are not registered (yet), small stand-ins take their place
so that the MyST the importer writes can be built and looked at here.
"""

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective, is_directive_registered, is_role_registered

extensions = ["myst_parser", "sphinx_design", "healthkb"]
html_theme = "furo"
project = "KB importer test"
kb_site_description = "Pages written by the importer."
myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "attrs_inline",
    "attrs_block",
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]


class _Card(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "name": directives.unchanged,
        "level": directives.unchanged,
        "rule": directives.unchanged,
    }

    def run(self):
        kind = self.name
        node = nodes.container(classes=[f"stub-{kind}", self.options.get("level", "")])
        if "name" in self.options:
            node["ids"].append(self.options["name"])
        title, _ = self.state.inline_text(self.arguments[0], self.lineno)
        node += nodes.paragraph("", "", nodes.strong("", "", *title))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _role(name, rawtext, text, lineno, inliner, options=None, content=None):
    label = text.split(" <", 1)[0]
    if name == "needs-source":
        label += " [source needed]"
    return [nodes.emphasis(rawtext, label)], []


def setup(app):
    for name in ("faq", "safety"):
        if not is_directive_registered(name):
            app.add_directive(name, _Card)
    for name in ("cite", "needs-source"):
        if not is_role_registered(name):
            app.add_role(name, _role)
