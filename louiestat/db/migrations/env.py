"""Alembic environment: runs on the connection that ``louiestat.db.migrate`` hands over, or on the URL from
the settings when called from the ``alembic`` command line."""

from alembic import context

from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.db.models import Base


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with make_engine(get_settings().database_url).connect() as conn:
        run_migrations(conn)
        conn.commit()
