"""papdesigner: design psychedelic-assisted psychotherapy trial protocols offline.

The package is layered (see DESIGN.md section 2): ``model`` is the Qt-free domain,
``rules`` checks a protocol against regulatory rule sets, ``export`` writes the PDF,
``store`` keeps the local library and ``ui`` is the PySide6 desktop application.
Only ``papdesigner.ui`` imports PySide6.
"""

__version__ = "0.1.0"
