"""The Streamlit pages: each module is a thin page script (run by ``st.navigation`` from app.py) that reads
through ``louiestat.pages.cache`` and the application layer (``louiestat.views``, ``louiestat.ingest``,
``louiestat.batches``) and only lays things out."""
