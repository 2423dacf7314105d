import { describe, expect, it } from 'vitest';
import { parseDuration, parseGenerateArgs, seededUuid } from '../../../src/cli/generate.js';
import { ConfigError } from '../../../src/config/config.js';

describe('sirius generate options', () => {
  it('parses durations with units and combinations, in µs', () => {
    expect(parseDuration('1h', '--duration')).toBe(3_600_000_000);
    expect(parseDuration('1h30m', '--duration')).toBe(5_400_000_000);
    expect(parseDuration('250ms', '--duration')).toBe(250_000);
    expect(parseDuration('1.5s', '--duration')).toBe(1_500_000);
    expect(parseDuration('2d', '--duration')).toBe(172_800_000_000);
    for (const bad of ['', '10', 'h', '1 h', '1h-', '1y']) expect(() => parseDuration(bad, '--duration')).toThrow(ConfigError);
  });

  it('reads the issue\'s example command line', () => {
    const o = parseGenerateArgs('--url http://127.0.0.1:9000 --processes 4 --log-events 10 --metric-events 20 --span-events 30 --start 2026-01-01T00:00:00Z --duration 1h --seed 42'.split(' '));
    expect(o).toMatchObject({ url: 'http://127.0.0.1:9000', processes: 4, logEvents: 10, metricEvents: 20, spanEvents: 30, startUs: 1_767_225_600_000_000, durationUs: 3_600_000_000, seed: 42, json: false });
    expect(parseGenerateArgs(['--processes=2', '--json', '--timeout=5s'])).toMatchObject({ processes: 2, json: true, timeoutMs: 5000 });
  });

  it.each([
    [['--processes', '0'], "--processes: expected an integer ≥ 1, got '0'"],
    [['--log-events', '-5'], "--log-events: expected an integer ≥ 0, got '-5'"],
    [['--log-events', '1e3'], "--log-events: expected an integer ≥ 0, got '1e3'"],
    [['--start', 'yesterday'], "--start: expected an ISO 8601 time like 2026-01-01T00:00:00Z, got 'yesterday'"],
    [['--url', 'localhost:9000'], "--url: expected http://host:port of the ingestion service, got 'localhost:9000'"],
    [['--duration', '0s'], '--duration: must be > 0 and at most 104 days'],
    [['--seed'], "option '--seed' needs a value"],
    [['--frobnicate', '1'], "unknown option '--frobnicate'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseGenerateArgs(argv)).toThrow(new ConfigError(message));
  });

  it('derives reproducible, distinct version-4 uuids from the seed', () => {
    expect(seededUuid(1, 0)).toBe(seededUuid(1, 0));
    expect(new Set([seededUuid(1, 0), seededUuid(1, 1), seededUuid(2, 0)]).size).toBe(3);
    expect(seededUuid(1, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
