"""Shared by the driver programs: read the target, run named checks, print one JSON object.

Each check returns a JSON-able value: the suite compares the value from PostgreSQL 15 with the one
from Sirius. A check that raises is reported with the statement's SQLSTATE and message, so the
suite can say which statement failed and why.
"""
import datetime
import decimal
import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def target():
    """{"host", "port", "database", "user", "pid": process id of generated data or null}."""
    return json.loads(sys.argv[1])


def types():
    with open(os.path.join(HERE, '..', 'types.json'), encoding='utf-8') as f:
        return json.load(f)['types']


def norm(v):
    """A value as type name + canonical text, so a driver's decoded type is compared too."""
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, float):
        return ['float', repr(v)]
    if isinstance(v, int):
        return ['int', str(v)]
    if isinstance(v, decimal.Decimal):
        return ['Decimal', str(v)]
    if isinstance(v, (bytes, bytearray, memoryview)):
        return ['bytes', bytes(v).hex()]
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return [type(v).__name__, v.isoformat()]
    if isinstance(v, datetime.timedelta):
        return ['timedelta', str(v)]
    if isinstance(v, uuid.UUID):
        return ['UUID', str(v)]
    if isinstance(v, dict):
        return ['dict', json.dumps(v, sort_keys=True)]
    return [type(v).__name__, str(v)]


def error_of(e):
    code = getattr(e, 'pgcode', None) or getattr(e, 'sqlstate', None)
    diag = getattr(e, 'diag', None)
    if code is None and diag is not None:
        code = getattr(diag, 'sqlstate', None)
    return {'sqlstate': code, 'message': f'{type(e).__name__}: {str(e).strip()}'}


def run_checks(checks):
    """checks: list of (name, fn) where fn() returns a JSON-able value. Prints {name: result}."""
    out = {}
    for name, fn in checks:
        try:
            out[name] = {'ok': True, 'value': fn()}
        except Exception as e:  # report every failure by name; the suite asserts on it
            out[name] = {'ok': False, 'error': error_of(e)}
    json.dump(out, sys.stdout, default=str)
    sys.stdout.write('\n')


async def run_async_checks(checks):
    out = {}
    for name, fn in checks:
        try:
            out[name] = {'ok': True, 'value': await fn()}
        except Exception as e:
            out[name] = {'ok': False, 'error': error_of(e)}
    json.dump(out, sys.stdout, default=str)
    sys.stdout.write('\n')
