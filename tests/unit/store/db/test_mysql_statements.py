"""Heron's statements as MySQL runs them (heron.store.db.mysql_statements)."""

from __future__ import annotations

from heron.store.db.mysql_statements import to_mysql


def test_placeholders_and_literal_percent_signs() -> None:
    statement = to_mysql("SELECT name FROM runs WHERE name LIKE '10%' AND run_uuid = ?")
    assert statement.sql == "SELECT name FROM runs WHERE name LIKE '10%%' AND run_uuid = %s"


def test_reserved_column_names_are_quoted_outside_literals() -> None:
    sql = to_mysql("SELECT t.key, schema FROM tags t WHERE t.key = 'key' AND model_key = ?").sql
    assert sql == (
        'SELECT t."key", "schema" FROM tags t WHERE t."key" = \'key\' AND model_key = %s'
    )


def test_conflict_do_nothing_is_insert_ignore() -> None:
    sql = to_mysql(
        "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    )
    assert sql.sql == 'INSERT IGNORE INTO params (run_uuid, "key", value) VALUES (%s, %s, %s)'


def test_conflict_update_is_on_duplicate_key_update() -> None:
    sql = to_mysql(
        "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value"
    ).sql
    assert sql.endswith("VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)")


def test_a_conditional_upsert_tests_its_condition_once_before_any_change() -> None:
    sql = to_mysql(
        "INSERT INTO m (k, step, value) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET "
        "step = excluded.step, value = excluded.value WHERE (excluded.step, excluded.value) > "
        "(m.step, m.value)"
    ).sql
    assert sql.endswith(
        "ON DUPLICATE KEY UPDATE step = IF((@heron_upsert := ((VALUES(step), VALUES(value)) > "
        "(m.step, m.value))), VALUES(step), step), value = IF(@heron_upsert, VALUES(value), value)"
    )


def test_insert_returning_reads_the_generated_id() -> None:
    statement = to_mysql(
        "INSERT INTO experiments (name) VALUES (?) ON CONFLICT (name) DO NOTHING "
        "RETURNING experiment_id"
    )
    assert statement.sql == "INSERT IGNORE INTO experiments (name) VALUES (%s)"
    assert statement.returning == "insert_id"


def test_update_returning_selects_the_rows_first() -> None:
    statement = to_mysql("UPDATE m SET t = ? WHERE name = ? RETURNING model_key")
    assert statement.sql == "UPDATE m SET t = %s WHERE name = %s"
    assert statement.select == "SELECT model_key FROM m WHERE name = %s FOR UPDATE"
    assert (statement.returning, statement.where_parameters) == ("select_first", 1)


def test_limit_in_an_in_subquery_becomes_a_derived_table() -> None:
    sql = to_mysql(
        "SELECT a FROM m WHERE (x, y) IN (SELECT x, y FROM m WHERE z IN (SELECT 1) "
        "ORDER BY x LIMIT ? OFFSET ?) ORDER BY a"
    ).sql
    assert sql == (
        "SELECT a FROM m WHERE (x, y) IN (SELECT * FROM (SELECT x, y FROM m WHERE z IN "
        "(SELECT 1) ORDER BY x LIMIT %s OFFSET %s) AS limited_subquery) ORDER BY a"
    )


def test_bigint_casts() -> None:
    assert to_mysql("SELECT CAST(? AS BIGINT)").sql == "SELECT CAST(%s AS SIGNED)"
