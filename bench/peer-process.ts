// One benchmark peer in its own child process: JSON events read from its stdout and awaited by name,
// JSON commands written to its stdin, its stderr kept for the error message, and a kill that is safe
// to call twice. The Tzimtzum side of `npm run bench` runs every peer through this.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How long one awaited step may take unless the caller says otherwise. */
export const STEP_TIMEOUT_MS = 60_000;

/** A benchmark run that could not finish; the message says which peer failed and how. */
export class BenchError extends Error {
  readonly code = 'BENCH_FAILED';
  constructor(message: string) {
    super(`${message} Re-run with the same seed; if it persists, run the peer by hand (see bench/README.md) to see its output.`);
    this.name = 'BenchError';
  }
}

/** One line a peer printed: `{ event, t }` plus its fields, and when this process read it. */
export interface PeerEvent {
  event: string;
  /** ms since the child's start, by its own clock. */
  t: number;
  /** When the parent read the line, in its own `performance.now()` ms. */
  at: number;
  [field: string]: unknown;
}

/** A running child peer. `spawnedAt` is this process's `performance.now()` at spawn. */
export class PeerProcess {
  readonly spawnedAt = performance.now();
  private readonly child: ChildProcess;
  private readonly events: PeerEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private stderrTail = '';
  private failure: BenchError | null = null;
  private closed = false;

  /** Spawns `node ...nodeArgs` as the peer called `label` (for messages). */
  constructor(readonly label: string, nodeArgs: string[]) {
    this.child = spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return; // a module's stray console.log, not one of ours
      try {
        this.events.push({ ...(JSON.parse(line) as { event: string; t: number }), at: performance.now() });
      } catch {
        return;
      }
      this.wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    // A peer that already exited closes its stdin; writing to it then is not worth a crash.
    this.child.stdin!.on('error', () => undefined);
    this.child.on('close', (code, signal) => {
      if (code !== 0) this.failure = new BenchError(`The ${label} peer exited with ${code ?? signal}: ${this.stderrTail.trim()}.`);
      this.closed = true;
      this.wake();
    });
  }

  /** The first not-yet-taken event called `name` (and matching `where`), waiting up to `timeoutMs`. */
  next(name: string, timeoutMs = STEP_TIMEOUT_MS, where: (e: PeerEvent) => boolean = () => true): Promise<PeerEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const index = this.events.findIndex((e) => e.event === name && where(e));
        if (index >= 0) {
          done();
          resolve(this.events.splice(index, 1)[0]);
        } else if (this.failure || this.closed) {
          done();
          reject(this.failure ?? new BenchError(`The ${this.label} peer ended before reporting "${name}".`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new BenchError(`The ${this.label} peer did not report "${name}" within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends one JSON command line to the peer. */
  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** Closes stdin (the peer's signal to shut down), returns its final report, and lets it exit on its own. */
  async finish(timeoutMs = STEP_TIMEOUT_MS): Promise<PeerEvent> {
    this.child.stdin!.end();
    const report = await this.next('exit', timeoutMs);
    await this.exited(10_000);
    return report;
  }

  /** Resolves when the process has ended (a `--cpu-prof` profile is written after the last event), or after `timeoutMs`. */
  exited(timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Kills the peer if it is still running; safe to call more than once. */
  kill(): void {
    if (!this.closed) this.child.kill('SIGKILL');
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
