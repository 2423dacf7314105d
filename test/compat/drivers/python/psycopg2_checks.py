"""psycopg2 (Debian python3-psycopg2) against one server; prints {check: result} as JSON."""
import datetime
import decimal

import psycopg2
import psycopg2.extras

from common import norm, run_checks, target, types

t = target()
conn = psycopg2.connect(host=t['host'], port=t['port'], dbname=t['database'], user=t['user'], connect_timeout=10)
conn.autocommit = True
cur = conn.cursor()


def one(sql, params=None):
    cur.execute(sql, params)
    return cur.fetchone()


def connect():
    cur.execute("SET TimeZone TO 'UTC'")
    return {'select1': one('SELECT 1')[0], 'major': conn.server_version // 10000, 'encoding': conn.encoding}


def type_check(sql):
    return lambda: norm(one('SELECT ' + sql + ' AS v')[0])


def params():
    # psycopg2 interpolates on the client: dates, bytes, Decimal and lists become typed literals
    row = one('SELECT %s::int4 + 1, %s, %s, %s, %s, %s = ANY(%s), %s',
              (41, 'it''s', decimal.Decimal('1.25'), datetime.date(2026, 1, 2), b'\x00\xff', 2, [1, 2, 3], None))
    return norm(list(row))


def prepared():
    cur.execute('PREPARE twice(int) AS SELECT $1 * 2')
    try:
        return [one('EXECUTE twice(%s)', (21,))[0], one('EXECUTE twice(%s)', (5,))[0]]
    finally:
        cur.execute('DEALLOCATE twice')


def error_then_query():
    try:
        cur.execute('SELECT * FROM no_such_relation')
        return 'no error'
    except psycopg2.Error as e:
        return {'sqlstate': e.pgcode, 'after': one('SELECT 2')[0]}


def transaction():
    conn.autocommit = False
    try:
        c = conn.cursor()
        c.execute('SELECT 1')
        try:
            c.execute('SELECT * FROM no_such_relation')
        except psycopg2.Error as e:
            code = e.pgcode
        status = conn.get_transaction_status()
        conn.rollback()
        c.execute('SELECT 3')
        v = c.fetchone()[0]
        conn.commit()
        return {'sqlstate': code, 'status_after_error': status, 'after_rollback': v}
    finally:
        conn.autocommit = True


def pool_reset():
    tags = []
    for sql in ['DISCARD ALL', 'RESET ALL', 'DEALLOCATE ALL', 'CLOSE ALL', 'UNLISTEN *']:
        cur.execute(sql)
        tags.append(cur.statusmessage)
    cur.execute("SET TimeZone TO 'UTC'")
    return tags


def dict_cursor():
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as c:
        c.execute('SELECT 1 AS a, %s AS b', ('x',))
        return [c.fetchone(), [d.name for d in c.description], [d.type_code for d in c.description]]


def hstore_probe():
    # register_hstore looks the hstore oids up in pg_type; neither server has the extension
    try:
        psycopg2.extras.register_hstore(conn)
        return 'registered'
    except psycopg2.ProgrammingError as e:
        return str(e)


def range_probe():
    # register_range reads pg_range joined with pg_type for the range's subtype
    r = psycopg2.extras.register_range('int4range', 'Int4Range', conn)
    return [r.subtype_oid, r.typecaster.name, list(r.typecaster.values)]


checks = [('connect', connect)]
checks += [('type ' + ty['name'], type_check(ty['sql'])) for ty in types()]
checks += [
    ('parameters', params),
    ('prepared statement (PREPARE/EXECUTE)', prepared),
    ('error then next query', error_then_query),
    ('failed transaction and rollback', transaction),
    ('pool reset statements', pool_reset),
    ('RealDictCursor description', dict_cursor),
    ('introspection: register_hstore', hstore_probe),
    ('introspection: register_range', range_probe),
]
if t['pid']:
    checks += [
        ('telemetry: count(*) FROM log_entries', lambda: one('SELECT count(*) FROM log_entries')[0]),
        ('telemetry: view_instance with a literal id',
         lambda: one("SELECT count(*) FROM view_instance('log_entries', '" + t['pid'] + "')")[0]),
        ('telemetry: view_instance with a parameter',
         lambda: one("SELECT count(*) FROM view_instance('log_entries', %s)", (t['pid'],))[0]),
    ]
run_checks(checks)
conn.close()
