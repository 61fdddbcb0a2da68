// Running the `tzimtzum` command as a user does, in its own process: one-shot commands, and serving
// commands read line by line while they run (killed at teardown if still running).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Teardown } from '../support/temp';

const BIN = path.resolve(import.meta.dirname, '../../bin/tzimtzum.js');

/** Run a command to its end (killed after 30 s); its exit code and output. */
export function run(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(input ?? '');
  });
}

/** A serving command: its stdout lines as they come, and its exit. */
export interface Served {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** Start a serving command; teardown kills it if it still runs. */
export function serve(teardown: Teardown, args: string[]): Served {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  teardown.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, lines, exited };
}

/** The JSON events a --json command printed, parsed. */
export function events(lines: string[]): Record<string, unknown>[] {
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}
