// What the CLI prints: sentences for people, or one JSON object per line with --json.

/** Prints human lines or JSON events, never both. */
export class Output {
  constructor(readonly json: boolean) {}

  /** A line for people (suppressed in JSON mode unless `event` is given). */
  say(text: string, event?: Record<string, unknown>): void {
    if (this.json) {
      if (event) this.event(event);
    } else {
      process.stdout.write(text + '\n');
    }
  }

  /** A JSON event (printed in JSON mode only). */
  event(event: Record<string, unknown>): void {
    if (this.json) process.stdout.write(JSON.stringify({ time: Date.now(), ...event }) + '\n');
  }

  /** An error for people on stderr, or an error event on stdout in JSON mode. */
  error(message: string, extra: Record<string, unknown> = {}): void {
    if (this.json) this.event({ event: 'error', message, ...extra });
    else process.stderr.write(`Error: ${message}\n`);
  }
}

/** A progress line that rewrites itself on a terminal. */
export function progressLine(label: string, done: number, total: number): string {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `${label}: ${done}/${total} (${percent}%)`;
}
