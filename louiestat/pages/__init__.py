"""The Streamlit pages: each module is a thin page script (run by ``st.navigation`` from app.py) that reads
through ``louiestat.ui.cache`` and the application layer (``louiestat.reading.views``, ``louiestat.ingest``,
``louiestat.writing.batches``) and only lays things out."""
