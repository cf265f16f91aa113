"""The storage layer: engine and sessions, ORM models, migrations and versioned writes. Knows nothing of Streamlit."""
