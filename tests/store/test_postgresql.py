"""Says, once, whether the suite also ran on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ..conftest import POSTGRES_SKIP, POSTGRES_URL


@pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP)
def test_postgresql_test_database_answers():
    engine = sa.create_engine(POSTGRES_URL)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 1")).scalar_one() == 1
        assert conn.dialect.name == "postgresql"
    engine.dispose()
