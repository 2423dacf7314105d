"""asyncpg (Debian python3-asyncpg): binary protocol throughout, prepared statements, its introspection."""
import asyncio
import datetime
import decimal
import json

import asyncpg

from common import norm, run_async_checks, target, types

t = target()


async def main():
    conn = await asyncpg.connect(host=t['host'], port=t['port'], database=t['database'], user=t['user'], timeout=10)

    async def connect():
        await conn.execute("SET TimeZone TO 'UTC'")
        v = conn.get_server_version()
        return {'select1': await conn.fetchval('SELECT 1'), 'major': v.major}

    def type_check(sql):
        async def check():
            return norm(await conn.fetchval('SELECT ' + sql + ' AS v'))
        return check

    async def params():
        # asyncpg binds in binary with the types the server describes for $n
        row = await conn.fetchrow(
            'SELECT $1::int4 + 1, $2::text, $3::numeric, $4::date, $5::bytea, $6::int4 = ANY($7::int4[]), $8::timestamptz, $9::int8 IS NULL',
            41, "it's", decimal.Decimal('1.25'), datetime.date(2026, 1, 2), b'\x00\xff', 2, [1, 2, 3],
            datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), None)
        return norm(list(row))

    async def prepared():
        stmt = await conn.prepare('SELECT $1::int4 * 2 AS doubled, $2::text AS label')
        return {'params': [str(p.name) for p in stmt.get_parameters()],
                'columns': [[a.name, a.type.name] for a in stmt.get_attributes()],
                'rows': [list(await stmt.fetchrow(n, 'x')) for n in (21, 5)]}

    async def executemany():
        await conn.executemany('SELECT $1::int4', [(1,), (2,), (3,)])
        return 'ok'

    async def error_then_query():
        try:
            await conn.fetch('SELECT * FROM no_such_relation')
            return 'no error'
        except asyncpg.PostgresError as e:
            return {'sqlstate': e.sqlstate, 'after': await conn.fetchval('SELECT 2')}

    async def transaction():
        try:
            async with conn.transaction():
                await conn.fetch('SELECT * FROM no_such_relation')
        except asyncpg.PostgresError as e:
            code = e.sqlstate
        async with conn.transaction(readonly=True):
            v = await conn.fetchval('SELECT 3')
        return {'sqlstate': code, 'after_rollback': v}

    async def cursor():
        async with conn.transaction():
            return [r[0] async for r in conn.cursor('SELECT i FROM generate_series(1, 20) AS s(i) ORDER BY i', prefetch=7)]

    async def pool_reset():
        # what asyncpg's Pool runs when a connection is released (Connection.get_reset_query)
        await conn.execute(conn._get_reset_query())
        tags = [await conn.execute(sql) for sql in ['DISCARD ALL', 'RESET ALL', 'DEALLOCATE ALL']]
        await conn.execute("SET TimeZone TO 'UTC'")
        return tags

    async def introspect_codec():
        # set_type_codec looks the type up with asyncpg's introspection query (pg_type, pg_range…)
        await conn.set_type_codec('json', encoder=json.dumps, decoder=json.loads, schema='pg_catalog')
        return norm(await conn.fetchval('''SELECT '{"a": [1, 2]}'::json'''))

    async def introspect_unknown():
        # a type without a built-in codec makes asyncpg run its type-introspection query for the oid
        return norm(await conn.fetchval("SELECT 'int4range'::regtype::oid"))

    checks = [('connect', connect)]
    checks += [('type ' + ty['name'], type_check(ty['sql'])) for ty in types()]
    checks += [
        ('parameters', params),
        ('prepared statement', prepared),
        ('executemany', executemany),
        ('error then next query', error_then_query),
        ('failed transaction and rollback', transaction),
        ('cursor with prefetch', cursor),
        ('pool reset statements', pool_reset),
        ('introspection: set_type_codec json', introspect_codec),
        ('introspection: regtype oid', introspect_unknown),
    ]
    if t['pid']:
        checks += [
            ('telemetry: count(*) FROM log_entries', lambda: conn.fetchval('SELECT count(*) FROM log_entries')),
            ('telemetry: view_instance with a literal id',
             lambda: conn.fetchval("SELECT count(*) FROM view_instance('log_entries', '" + t['pid'] + "')")),
            ('telemetry: view_instance with a parameter',
             lambda: conn.fetchval("SELECT count(*) FROM view_instance('log_entries', $1)", t['pid'])),
        ]
    await run_async_checks(checks)
    await conn.close()


asyncio.run(main())
