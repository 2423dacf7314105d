"""psycopg 3 (Debian python3-psycopg): server-side binding, binary results, pipeline, TypeInfo."""
import datetime
import decimal

import psycopg
from psycopg.types import TypeInfo
from psycopg.types.json import Json
from psycopg.types.range import RangeInfo

from common import norm, run_checks, target, types

t = target()
conn = psycopg.connect(host=t['host'], port=t['port'], dbname=t['database'], user=t['user'], connect_timeout=10, autocommit=True)


def one(sql, params=None, **kw):
    return conn.execute(sql, params, **kw).fetchone()


def connect():
    conn.execute("SET TimeZone TO 'UTC'")
    return {'select1': one('SELECT 1')[0], 'major': conn.info.server_version // 10000,
            'encoding': conn.info.encoding, 'timezone': str(conn.info.timezone)}


def text_check(sql):
    return lambda: norm(one('SELECT ' + sql + ' AS v')[0])


def binary_check(sql):
    def check():
        with conn.cursor(binary=True) as cur:
            cur.execute('SELECT ' + sql + ' AS v')
            return norm(cur.fetchone()[0])
    return check


def params():
    # bound on the server as $1…: ints, text, Decimal, date, bytes (sent in binary), a list, JSON, NULL
    row = one('SELECT %s + 1, %s, %s, %s, %s, %s = ANY(%s), %s::json, %s::text IS NULL',
              (41, "it's", decimal.Decimal('1.25'), datetime.date(2026, 1, 2), b'\x00\xff', 2, [1, 2, 3], Json({'k': 'v'}), None))
    return norm(list(row))


def prepared():
    # prepare=True: Parse once with a name, then Bind/Execute per call
    return [one('SELECT %s::int * 2', (n,), prepare=True)[0] for n in (21, 5, 7)]


def pipeline():
    with conn.pipeline():
        curs = [conn.execute('SELECT %s::int + %s::int', (i, i)) for i in range(3)]
    return [c.fetchone()[0] for c in curs]


def error_then_query():
    try:
        conn.execute('SELECT * FROM no_such_relation')
        return 'no error'
    except psycopg.Error as e:
        return {'sqlstate': e.sqlstate, 'after': one('SELECT 2')[0]}


def transaction():
    with psycopg.connect(host=t['host'], port=t['port'], dbname=t['database'], user=t['user']) as c:
        c.execute('SELECT 1')
        try:
            c.execute('SELECT * FROM no_such_relation')
        except psycopg.Error as e:
            code = e.sqlstate
        status = c.info.transaction_status.name
        c.rollback()
        with c.transaction():
            v = c.execute('SELECT 3').fetchone()[0]
        return {'sqlstate': code, 'status_after_error': status, 'after_rollback': v}


def named_cursor():
    # a server-side cursor: DECLARE … CURSOR / FETCH FORWARD itersize / CLOSE, inside a transaction
    with psycopg.connect(host=t['host'], port=t['port'], dbname=t['database'], user=t['user']) as c:
        with c.cursor(name='big') as cur:
            cur.itersize = 7
            cur.execute('SELECT i FROM generate_series(1, 20) AS s(i) ORDER BY i')
            return [r[0] for r in cur]


def pool_reset():
    tags = []
    for sql in ['DISCARD ALL', 'RESET ALL', 'DEALLOCATE ALL', 'CLOSE ALL', 'UNLISTEN *']:
        tags.append(conn.execute(sql).statusmessage)
    conn.execute("SET TimeZone TO 'UTC'")
    return tags


def typeinfo(name):
    def check():
        info = TypeInfo.fetch(conn, name)
        return None if info is None else [info.name, info.oid, info.array_oid, info.delimiter]
    return check


def rangeinfo():
    info = RangeInfo.fetch(conn, 'int4range')
    return None if info is None else [info.name, info.oid, info.array_oid, info.subtype_oid]


checks = [('connect', connect)]
checks += [('type ' + ty['name'], text_check(ty['sql'])) for ty in types()]
checks += [('binary type ' + ty['name'], binary_check(ty['sql'])) for ty in types()]
checks += [
    ('parameters', params),
    ('prepared statement (prepare=True)', prepared),
    ('pipeline mode', pipeline),
    ('error then next query', error_then_query),
    ('failed transaction and rollback', transaction),
    ('server-side cursor', named_cursor),
    ('pool reset statements', pool_reset),
    ('introspection: TypeInfo uuid', typeinfo('uuid')),
    ('introspection: TypeInfo int4[]', typeinfo('int4[]')),
    ('introspection: TypeInfo missing type', typeinfo('no_such_type')),
    ('introspection: RangeInfo int4range', rangeinfo),
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
