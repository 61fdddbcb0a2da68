// Obsidian's `Events`: named listeners with an optional `this`, refs that can be detached, and
// `trigger` that calls every listener even when one throws. Like Obsidian, a throwing listener's error
// is rethrown from a timer rather than to the caller, so vitest reports it as an unhandled error.
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */

/** A registered listener, as returned by `Events.on`. */
export interface EventRef {
  /** The emitter this ref belongs to. */
  readonly e: Events;
  readonly name: string;
  readonly fn: (...data: unknown[]) => unknown;
  readonly ctx: unknown;
}

const listenersOf = new WeakMap<Events, Map<string, EventRef[]>>();

function table(events: Events): Map<string, EventRef[]> {
  let t = listenersOf.get(events);
  if (!t) listenersOf.set(events, (t = new Map<string, EventRef[]>()));
  return t;
}

/** An event emitter with Obsidian's semantics. */
export class Events {
  on(name: string, callback: (...data: unknown[]) => unknown, ctx?: any): EventRef {
    const ref: EventRef = { e: this, name, fn: callback, ctx };
    const t = table(this);
    t.set(name, [...(t.get(name) ?? []), ref]);
    return ref;
  }

  off(name: string, callback: (...data: unknown[]) => unknown): void {
    const t = table(this);
    const list = t.get(name);
    if (list) t.set(name, list.filter((ref) => ref.fn !== callback));
  }

  offref(ref: EventRef): void {
    const t = table(this);
    const list = t.get(ref.name);
    if (list) t.set(ref.name, list.filter((r) => r !== ref));
  }

  trigger(name: string, ...data: unknown[]): void {
    // A copy: listeners added or removed while triggering do not change this round.
    for (const ref of [...(table(this).get(name) ?? [])]) this.tryTrigger(ref, data);
  }

  tryTrigger(evt: EventRef, args: unknown[]): void {
    try {
      evt.fn.apply(evt.ctx, args);
    } catch (err) {
      setTimeout(() => { throw err; }, 0);
    }
  }
}

/** How many listeners an emitter holds, for one event name or all (harness only: leak checks). */
export function listenerCount(events: Events, name?: string): number {
  const t = table(events);
  if (name !== undefined) return t.get(name)?.length ?? 0;
  let n = 0;
  for (const list of t.values()) n += list.length;
  return n;
}
