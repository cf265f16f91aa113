"""The reading side: stored data as DataFrames (``queries``) and what the pages show, computed without
Streamlit (``views``)."""
