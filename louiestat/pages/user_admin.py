"""Users (admins): who may sign in, with which role and, for analysts, which departments; add users, grant and
revoke departments, set passwords and disable accounts. Every change is checked again and audited by
``louiestat.access.users``, as at the command line."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from louiestat.access import users
from louiestat.access.passwords import MIN_LENGTH
from louiestat.access.policy import LEAST_ROLE, POLICY, ROLES, named
from louiestat.errors import UnknownDepartment, UserRefused, WriteRefused
from louiestat.reading import queries
from louiestat.ui import access, cache
from louiestat.ui.widgets import escape_markdown

DONE = "user_admin_done"  # what the last change did, said once after the page redraws
ROLE_HELP = " · ".join(f"{role}: {rights.meaning}" for role, rights in POLICY.items())


def render() -> None:
    admin = access.acting_for("manage_users")
    st.title("Users")
    engine = cache.engine()
    records = users.list_users(engine)
    departments = queries.departments(engine).set_index("department")["department_name"]
    if done := st.session_state.pop(DONE, None):
        st.success(escape_markdown(done), icon=":material/check:")
    st.dataframe(
        pd.DataFrame([{
            "email": u.email, "name": u.name or "", "role": u.role,
            "departments": named(u.departments, departments) or "—", "status": "disabled" if u.disabled else "active",
            "password": "set" if u.has_password else "identity provider only", "since": u.created_at,
        } for u in records]),
        hide_index=True, width="stretch",
        column_config={
            "email": st.column_config.TextColumn("Email", pinned=True), "name": "Name", "role": "Role",
            "departments": "May change", "status": "Status", "password": "Password",
            "since": st.column_config.DatetimeColumn("Added (UTC)", format="YYYY-MM-DD"),
        },
    )
    add, change = st.tabs(["Add a user", "Change a user"])
    form_column = add.columns([3, 2])[0]  # fields as wide as what goes in them
    with form_column, st.form("add_user", clear_on_submit=True, border=False):
        email = st.text_input("Email")
        name = st.text_input("Name (optional)")
        role = st.segmented_control("Role", ROLES, default=LEAST_ROLE, help=ROLE_HELP)
        granted = st.multiselect("Departments an analyst may change", list(departments.index),
                                 format_func=lambda slug: departments.get(slug, slug))
        password = st.text_input(f"Password for the built-in sign-in (at least {MIN_LENGTH} characters; leave "
                                 "blank when people sign in through the city's identity provider)", type="password")
        if st.form_submit_button("Add user", type="primary"):
            _attempt(lambda: users.add_user(engine, email, role or LEAST_ROLE, departments=granted, name=name or None,
                                            password=password or None, by=admin), "added")
    with change:
        if not records:
            st.info("No users yet.")
            return
        chosen = st.selectbox("User", [u.email for u in records], key="change_user")
        record = next(u for u in records if u.email == chosen)
        if POLICY[record.role].takes_departments:
            left, right = st.columns(2)
            grant = left.selectbox("Department to grant", [d for d in departments.index if d not in record.departments],
                                   format_func=lambda slug: departments.get(slug, slug), key="grant_department")
            if left.button("Grant", disabled=grant is None):
                _attempt(lambda: users.grant(engine, chosen, grant, by=admin),
                         f"may now change {departments.get(grant, grant)}")
            revoke = right.selectbox("Department to revoke", record.departments, key="revoke_department",
                                     format_func=lambda slug: departments.get(slug, slug))
            if right.button("Revoke", disabled=revoke is None):
                _attempt(lambda: users.revoke(engine, chosen, revoke, by=admin),
                         f"may no longer change {departments.get(revoke, revoke)}")
        with st.form("set_password", clear_on_submit=True, border=False):
            new_password = st.text_input(f"New password (at least {MIN_LENGTH} characters; signs them out "
                                         "everywhere)", type="password")
            if st.form_submit_button("Set password"):
                _attempt(lambda: users.set_password(engine, chosen, new_password, by=admin), "has a new password")
        if not record.disabled and st.button("Disable this user", help="They can no longer sign in or change "
                                             "anything; their past changes keep their name."):
            _attempt(lambda: users.disable(engine, chosen, by=admin), "is disabled")


def _attempt(change, done: str) -> None:
    """Make a change to users and say how it went (refusals in words, as the CLI gives them)."""
    try:
        record = change()
    except (UnknownDepartment, UserRefused, WriteRefused) as refused:
        st.error(escape_markdown(str(refused)), icon=":material/error:")
        return
    st.session_state[DONE] = f"{record.email} {done}."
    st.rerun()


render()
