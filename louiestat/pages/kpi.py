"""Placeholder: built next."""

import streamlit as st


def render() -> None:
    st.title("kpi")


render()
