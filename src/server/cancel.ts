import { randomInt } from 'node:crypto';

/**
 * BackendKeyData bookkeeping: each session gets a process id and a secret
 * key; a CancelRequest naming both interrupts that session's running query.
 * https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS
 */
export interface Cancellable {
  cancel(): void;
}

export class CancelRegistry {
  private nextPid = 1000 + randomInt(1_000_000);
  private readonly sessions = new Map<number, { key: number; target: Cancellable }>();

  register(target: Cancellable): { pid: number; key: number } {
    const pid = this.nextPid++;
    const key = randomInt(-0x80000000, 0x7fffffff);
    this.sessions.set(pid, { key, target });
    return { pid, key };
  }

  unregister(pid: number): void {
    this.sessions.delete(pid);
  }

  /** A wrong key is ignored silently, as PostgreSQL does, so keys cannot be probed. */
  cancel(pid: number, key: number): boolean {
    const s = this.sessions.get(pid);
    if (!s || s.key !== key) return false;
    s.target.cancel();
    return true;
  }
}
