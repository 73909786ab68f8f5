"""The site the survey benchmark serves with gunicorn: the real project plus one bare insert view."""
