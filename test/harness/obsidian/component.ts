// Obsidian's `Component`: a lifecycle (load/unload) that owns children and cleanups. Unloading unloads
// the children (last added first), runs every registered cleanup (last registered first), then calls
// `onunload`. JS-private state, so a plugin subclass can never collide with it.
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import type { EventRef } from './events.js';

const onloadResults = new WeakMap<Component, unknown>();
let readLoaded: (c: Component) => boolean = () => false;

/** A component with Obsidian's lifecycle. */
export class Component {
  #loaded = false;
  #children: Component[] = [];
  #cleanups: (() => unknown)[] = [];
  static {
    readLoaded = (c) => c.#loaded;
  }

  load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    const result: unknown = this.onload();
    onloadResults.set(this, result);
    for (const child of [...this.#children]) child.load();
  }

  onload(): void {}

  unload(): void {
    if (!this.#loaded) return;
    this.#loaded = false;
    for (let child = this.#children.pop(); child; child = this.#children.pop()) child.unload();
    for (let cleanup = this.#cleanups.pop(); cleanup; cleanup = this.#cleanups.pop()) cleanup();
    this.onunload();
  }

  onunload(): void {}

  addChild<T extends Component>(component: T): T {
    this.#children.push(component);
    if (this.#loaded) component.load();
    return component;
  }

  removeChild<T extends Component>(component: T): T {
    const i = this.#children.indexOf(component);
    if (i >= 0) {
      this.#children.splice(i, 1);
      component.unload();
    }
    return component;
  }

  register(cb: () => any): void {
    this.#cleanups.push(cb);
  }

  registerEvent(eventRef: EventRef): void {
    this.register(() => eventRef.e.offref(eventRef));
  }

  registerDomEvent<K extends keyof WindowEventMap>(el: Window, type: K, callback: (this: HTMLElement, ev: WindowEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  registerDomEvent<K extends keyof DocumentEventMap>(el: Document, type: K, callback: (this: HTMLElement, ev: DocumentEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  registerDomEvent<K extends keyof HTMLElementEventMap>(el: HTMLElement, type: K, callback: (this: HTMLElement, ev: HTMLElementEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  registerDomEvent(el: EventTarget, type: string, callback: (ev: Event) => any, options?: boolean | AddEventListenerOptions): void {
    el.addEventListener(type, callback, options);
    this.register(() => el.removeEventListener(type, callback, options));
  }

  registerInterval(id: number): number {
    this.register(() => clearInterval(id));
    return id;
  }
}

/** Whether a component is loaded (harness only). */
export function isLoaded(component: Component): boolean {
  return readLoaded(component);
}

/** What `onload` returned the last time the component loaded: a plugin's async onload promise (harness only). */
export function onloadResult(component: Component): unknown {
  return onloadResults.get(component);
}
