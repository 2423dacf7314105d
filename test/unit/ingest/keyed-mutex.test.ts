import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../src/ingest/keyed-mutex.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in call order', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([m.run('k', task('a')), m.run('k', task('b')), m.run('k', task('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(m.size).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const m = new KeyedMutex();
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    };
    await Promise.all(['a', 'b', 'c'].map((k) => m.run(k, task)));
    expect(peak).toBe(3);
  });

  it('a failing task fails its own caller only; the next one still runs', async () => {
    const m = new KeyedMutex();
    const first = m.run('k', async () => {
      await tick();
      throw new Error('boom');
    });
    const second = m.run('k', async () => 'ok');
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('ok');
    expect(m.size).toBe(0);
  });
});
