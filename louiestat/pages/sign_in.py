"""Sign in (the form and its rules are in ``sign_in_form``)."""

from louiestat.ui.sign_in_form import sign_in_form

sign_in_form()
