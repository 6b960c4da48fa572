"""sstc-docs: a versioned record of Governing Body papers, decisions, strategies and evidence.

Layers, one way only: ``ui`` (Streamlit pages) → ``services`` → ``store`` (TinyDB).
``domain`` holds the rules every layer shares; ``word`` is the only user of python-docx.
"""

__version__ = "0.1.0"
