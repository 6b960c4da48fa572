"""Streamlit pages: thin, they call the services and show what they return. Only here is streamlit imported."""
