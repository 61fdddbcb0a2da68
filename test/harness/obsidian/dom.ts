/// <reference types="obsidian" />
// A small in-memory DOM with Obsidian's element helpers (`createEl`, `setText`, `addClass`, `find`, ...),
// because vitest runs in Node and the project may not add a DOM library. It covers what plugin UI code
// and its tests touch: a tree of elements and text, attributes, classes, `dataset`, form values,
// `querySelector(All)` for simple selectors (see selector.ts), and listeners with bubbling.
// The rest of the harness is written against the real DOM types; this file is the only one that knows
// the implementation, and casts at the boundary.
import { compileSelector } from './selector.js';

type Listener = ((ev: Event) => unknown) | { handleEvent(ev: Event): unknown };
interface Registered { listener: Listener; once: boolean }
type ElementInfo = DomElementInfo | string | undefined;

const FORM_TAGS = new Set(['button', 'input', 'select', 'textarea']);

/** Any node of the harness DOM. */
export class HNode {
  parentNode: HNode | null = null;
  readonly childNodes: HNode[] = [];
  constructor(readonly doc: HDocument | null) {}

  get parentElement(): HElement | null { return this.parentNode instanceof HElement ? this.parentNode : null; }
  get firstChild(): HNode | null { return this.childNodes[0] ?? null; }
  get lastChild(): HNode | null { return this.childNodes[this.childNodes.length - 1] ?? null; }
  get children(): HElement[] { return this.childNodes.filter((n): n is HElement => n instanceof HElement); }

  get textContent(): string { return this.childNodes.map((n) => n.textContent).join(''); }
  set textContent(value: string | null) {
    this.empty();
    if (value) this.appendChild(new HText(this.doc, value));
  }

  appendChild<T extends HNode>(node: T): T { return this.insertBefore(node, null); }
  insertBefore<T extends HNode>(node: T, ref: HNode | null): T {
    if (node instanceof HFragment) {
      for (const child of [...node.childNodes]) this.insertBefore(child, ref);
      return node;
    }
    node.remove();
    const at = ref === null ? this.childNodes.length : this.childNodes.indexOf(ref);
    this.childNodes.splice(at < 0 ? this.childNodes.length : at, 0, node);
    node.parentNode = this;
    return node;
  }
  append(...nodes: (HNode | string)[]): void {
    for (const n of nodes) this.appendChild(typeof n === 'string' ? new HText(this.doc, n) : n);
  }
  prepend(...nodes: (HNode | string)[]): void {
    const first = this.firstChild;
    for (const n of nodes) this.insertBefore(typeof n === 'string' ? new HText(this.doc, n) : n, first);
  }
  removeChild<T extends HNode>(node: T): T {
    const i = this.childNodes.indexOf(node);
    if (i < 0) throw new Error('Harness DOM: the node to remove is not a child of this node');
    this.childNodes.splice(i, 1);
    node.parentNode = null;
    return node;
  }
  remove(): void { this.parentNode?.removeChild(this); }
  replaceWith(...nodes: (HNode | string)[]): void {
    const parent = this.parentNode;
    if (!parent) return;
    for (const n of nodes) parent.insertBefore(typeof n === 'string' ? new HText(this.doc, n) : n, this);
    this.remove();
  }
  /** Obsidian: remove this node from its parent. */
  detach(): void { this.remove(); }
  /** Obsidian: remove every child. */
  empty(): void { for (const child of [...this.childNodes]) this.removeChild(child); }
  contains(other: HNode | null): boolean {
    for (let n = other; n; n = n.parentNode) if (n === this) return true;
    return false;
  }
  /** Obsidian: append a text node. */
  appendText(text: string): void { this.appendChild(new HText(this.doc, text)); }

  /** Obsidian: create an element, append it to this node and apply `o`. */
  createEl(tag: string, o?: ElementInfo, callback?: (el: HElement) => void): HElement {
    const el = new HElement(this.doc, tag);
    const info: DomElementInfo = typeof o === 'string' ? { cls: o } : { ...o };
    info.parent ??= this as unknown as Node;
    applyInfo(el, info);
    callback?.(el);
    return el;
  }
  createDiv(o?: ElementInfo, callback?: (el: HElement) => void): HElement { return this.createEl('div', o, callback); }
  createSpan(o?: ElementInfo, callback?: (el: HElement) => void): HElement { return this.createEl('span', o, callback); }
  /** Obsidian: create an SVG element (the harness keeps no namespaces: `localName` is the tag). */
  createSvg(tag: string, o?: SvgElementInfo | string, callback?: (el: HElement) => void): HElement {
    const info: SvgElementInfo = typeof o === 'string' ? { cls: o } : { ...o };
    return this.createEl(tag, { cls: info.cls, attr: info.attr, parent: info.parent, prepend: info.prepend }, callback);
  }

  querySelectorAll(selector: string): HElement[] {
    const match = compileSelector(selector);
    const found: HElement[] = [];
    const walk = (node: HNode): void => {
      for (const child of node.children) {
        if (match(child)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }
  querySelector(selector: string): HElement | null { return this.querySelectorAll(selector)[0] ?? null; }
  /** Obsidian: first descendant matching `selector`, or null. */
  find(selector: string): HElement | null { return this.querySelector(selector); }
  /** Obsidian: every descendant matching `selector`. */
  findAll(selector: string): HElement[] { return this.querySelectorAll(selector); }
}

/** A text node. */
export class HText extends HNode {
  constructor(doc: HDocument | null, public data: string) { super(doc); }
  override get textContent(): string { return this.data; }
  override set textContent(value: string | null) { this.data = value ?? ''; }
}

/** A document fragment (what `createFragment` returns). */
export class HFragment extends HNode {}

/** An element. */
export class HElement extends HNode {
  readonly localName: string;
  private readonly attrs = new Map<string, string>();
  private readonly listeners = new Map<string, Registered[]>();
  private formValue: string | null = null;
  /** Inline style, only as far as Obsidian's show()/hide()/toggle() use it. */
  readonly style: { display: string } = { display: '' };
  checked = false;
  selected = false;

  constructor(doc: HDocument | null, tag: string) {
    super(doc);
    this.localName = tag.toLowerCase();
  }

  get tagName(): string { return this.localName.toUpperCase(); }
  get id(): string { return this.getAttribute('id') ?? ''; }
  set id(value: string) { this.setAttribute('id', value); }
  get className(): string { return this.getAttribute('class') ?? ''; }
  set className(value: string) { this.setAttribute('class', value); }
  get classList(): HClassList { return new HClassList(this); }
  get dataset(): Record<string, string | undefined> { return datasetOf(this); }

  getAttribute(name: string): string | null { return this.attrs.get(name.toLowerCase()) ?? null; }
  setAttribute(name: string, value: string): void { this.attrs.set(name.toLowerCase(), String(value)); }
  removeAttribute(name: string): void { this.attrs.delete(name.toLowerCase()); }
  hasAttribute(name: string): boolean { return this.attrs.has(name.toLowerCase()); }
  getAttributeNames(): string[] { return [...this.attrs.keys()]; }

  /** Obsidian: set an attribute, or remove it when `value` is null. */
  setAttr(name: string, value: string | number | boolean | null): void {
    if (value === null) this.removeAttribute(name);
    else this.setAttribute(name, String(value));
  }
  setAttrs(obj: Record<string, string | number | boolean | null>): void {
    for (const [k, v] of Object.entries(obj)) this.setAttr(k, v);
  }
  getAttr(name: string): string | null { return this.getAttribute(name); }
  addClass(...classes: string[]): void { this.classList.add(...classes); }
  addClasses(classes: string[]): void { this.classList.add(...classes); }
  removeClass(...classes: string[]): void { this.classList.remove(...classes); }
  removeClasses(classes: string[]): void { this.classList.remove(...classes); }
  toggleClass(classes: string | string[], value: boolean): void {
    for (const cls of typeof classes === 'string' ? [classes] : classes) this.classList.toggle(cls, value);
  }
  hasClass(cls: string): boolean { return this.classList.contains(cls); }
  /** Obsidian: replace the content with text, or with a fragment's nodes. */
  setText(value: string | HFragment): void {
    if (typeof value === 'string') this.textContent = value;
    else { this.empty(); this.appendChild(value); }
  }
  getText(): string { return this.textContent; }
  show(): void { this.style.display = ''; }
  hide(): void { this.style.display = 'none'; }
  toggle(show: boolean): void { if (show) this.show(); else this.hide(); }
  /** Shown when neither this element nor an ancestor is hidden (attachment is not checked). */
  isShown(): boolean {
    for (const el of this.selfAndAncestors()) if (el.style.display === 'none') return false;
    return true;
  }
  matches(selector: string): boolean { return compileSelector(selector)(this); }
  closest(selector: string): HElement | null {
    const match = compileSelector(selector);
    for (const el of this.selfAndAncestors()) if (match(el)) return el;
    return null;
  }
  private *selfAndAncestors(): Generator<HElement> {
    yield this;
    for (let el = this.parentElement; el; el = el.parentElement) yield el;
  }
  /** Obsidian: nearest ancestor (not this element) matching `selector`. */
  matchParent(selector: string, lastParent?: HElement): HElement | null {
    const match = compileSelector(selector);
    for (let el = this.parentElement; el && el !== lastParent; el = el.parentElement) if (match(el)) return el;
    return null;
  }

  // Form state: `value` of inputs and text areas, the selected option of a select.
  get value(): string {
    if (this.localName === 'select') {
      const options = this.querySelectorAll('option');
      const chosen = options.find((o) => o.selected) ?? options[0];
      return chosen?.value ?? '';
    }
    return this.formValue ?? this.getAttribute('value') ?? (this.localName === 'option' ? this.textContent : '');
  }
  set value(v: string) {
    if (this.localName === 'select') {
      for (const o of this.querySelectorAll('option')) o.selected = o.value === v;
    } else this.formValue = String(v);
  }
  get disabled(): boolean { return this.hasAttribute('disabled'); }
  set disabled(v: boolean) { this.setAttr('disabled', v ? '' : null); }
  get placeholder(): string { return this.getAttribute('placeholder') ?? ''; }
  set placeholder(v: string) { this.setAttribute('placeholder', v); }
  get type(): string { return this.getAttribute('type') ?? ''; }
  set type(v: string) { this.setAttribute('type', v); }
  get title(): string { return this.getAttribute('title') ?? ''; }
  set title(v: string) { this.setAttribute('title', v); }
  get href(): string { return this.getAttribute('href') ?? ''; }
  set href(v: string) { this.setAttribute('href', v); }

  addEventListener(type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions): void {
    if (!listener) return;
    const list = this.listeners.get(type) ?? [];
    if (list.some((r) => r.listener === listener)) return;
    list.push({ listener, once: typeof options === 'object' && options.once === true });
    this.listeners.set(type, list);
  }
  removeEventListener(type: string, listener: Listener | null): void {
    const list = this.listeners.get(type);
    if (list) this.listeners.set(type, list.filter((r) => r.listener !== listener));
  }
  /** How many listeners of `type` are attached (harness only, for leak checks). */
  listenerCount(type: string): number { return this.listeners.get(type)?.length ?? 0; }
  /** Dispatches to this element, then bubbles to its ancestors if the event bubbles. */
  dispatchEvent(event: Event): boolean {
    Object.defineProperty(event, 'target', { value: this, configurable: true });
    for (const el of this.selfAndAncestors()) {
      Object.defineProperty(event, 'currentTarget', { value: el, configurable: true });
      el.invoke(event);
      if (event.cancelBubble || !event.bubbles) break;
    }
    return !event.defaultPrevented;
  }
  private invoke(event: Event): void {
    for (const r of [...(this.listeners.get(event.type) ?? [])]) {
      if (r.once) this.removeEventListener(event.type, r.listener);
      if (typeof r.listener === 'function') r.listener.call(this, event);
      else r.listener.handleEvent(event);
    }
  }
  /** A click, as a user would make it: nothing happens on a disabled form control. */
  click(): void {
    if (FORM_TAGS.has(this.localName) && this.disabled) return;
    this.dispatchEvent(new Event('click', { bubbles: true, cancelable: true }));
  }
  /** Obsidian: dispatch an event of this type. */
  trigger(type: string): void { this.dispatchEvent(new Event(type, { bubbles: true, cancelable: true })); }
}

/** The `classList` of an element, backed by its `class` attribute. */
export class HClassList {
  constructor(private readonly el: HElement) {}
  private get list(): string[] { return this.el.className.split(/\s+/).filter(Boolean); }
  private set list(classes: string[]) { this.el.setAttribute('class', classes.join(' ')); }
  get length(): number { return this.list.length; }
  contains(cls: string): boolean { return this.list.includes(cls); }
  add(...classes: string[]): void {
    const list = this.list;
    for (const cls of classes.flatMap((c) => c.split(/\s+/)).filter(Boolean)) if (!list.includes(cls)) list.push(cls);
    this.list = list;
  }
  remove(...classes: string[]): void { this.list = this.list.filter((c) => !classes.includes(c)); }
  toggle(cls: string, force?: boolean): boolean {
    const on = force ?? !this.contains(cls);
    if (on) this.add(cls); else this.remove(cls);
    return on;
  }
  values(): string[] { return this.list; }
}

function datasetOf(el: HElement): Record<string, string | undefined> {
  const attrName = (key: string): string => 'data-' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  return new Proxy<Record<string, string | undefined>>({}, {
    get: (_t, key) => (typeof key === 'string' ? el.getAttribute(attrName(key)) ?? undefined : undefined),
    set: (_t, key, value) => { if (typeof key === 'string') el.setAttribute(attrName(key), String(value)); return true; },
    deleteProperty: (_t, key) => { if (typeof key === 'string') el.removeAttribute(attrName(key)); return true; },
    has: (_t, key) => typeof key === 'string' && el.hasAttribute(attrName(key)),
    ownKeys: () => el.getAttributeNames().filter((n) => n.startsWith('data-'))
      .map((n) => n.slice(5).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())),
    getOwnPropertyDescriptor: (_t, key) => typeof key === 'string' && el.hasAttribute(attrName(key))
      ? { enumerable: true, configurable: true, value: el.getAttribute(attrName(key)) } : undefined,
  });
}

function applyInfo(el: HElement, o: DomElementInfo): void {
  if (o.cls) el.addClass(...(Array.isArray(o.cls) ? o.cls : [o.cls]));
  if (o.text !== undefined) el.setText(typeof o.text === 'string' ? o.text : (o.text as unknown as HFragment));
  if (o.attr) el.setAttrs(o.attr);
  if (o.title !== undefined) el.title = o.title;
  if (o.value !== undefined) el.value = o.value;
  if (o.type !== undefined) el.type = o.type;
  if (o.placeholder !== undefined) el.placeholder = o.placeholder;
  if (o.href !== undefined) el.href = o.href;
  const parent = o.parent as unknown as HNode | undefined;
  if (parent) {
    if (o.prepend) parent.insertBefore(el, parent.firstChild);
    else parent.appendChild(el);
  }
}

/** A document: owns a `body` and creates nodes. */
export class HDocument extends HNode {
  readonly body: HElement;
  constructor() {
    super(null);
    this.body = new HElement(this, 'body');
    this.appendChild(this.body);
  }
  createElement(tag: string): HElement { return new HElement(this, tag); }
  createTextNode(text: string): HText { return new HText(this, text); }
  createDocumentFragment(): HFragment { return new HFragment(this); }
}

/** How many listeners of `type` an element holds (harness only, for leak checks). */
export function domListenerCount(el: HTMLElement, type: string): number {
  return (el as unknown as HElement).listenerCount(type);
}

/** A new, separate document (the harness gives each test app its own, so two apps never share a body). */
export function createDocument(): Document {
  return new HDocument() as unknown as Document;
}

const globalDocument = new HDocument();

// Obsidian's global DOM helpers, with the signatures of obsidian.d.ts.
export const createEl = ((tag: string, o?: ElementInfo, callback?: (el: HElement) => void): HElement => {
  const el = globalDocument.createElement(tag);
  applyInfo(el, typeof o === 'string' ? { cls: o } : o ?? {});
  callback?.(el);
  return el;
}) as unknown as typeof globalThis.createEl;
export const createDiv: typeof globalThis.createDiv = (o, callback) => createEl('div', o, callback);
export const createSpan: typeof globalThis.createSpan = (o, callback) => createEl('span', o, callback);
export const createFragment: typeof globalThis.createFragment = (callback) => {
  const fragment = globalDocument.createDocumentFragment() as unknown as DocumentFragment;
  callback?.(fragment);
  return fragment;
};

// A stand-in `window`: timers and listeners only. There is deliberately no global `document`
// (Obsidian plugins use `activeDocument`) and `window` is not the global object, so libraries that
// sniff for a browser keep taking their Node paths.
const harnessWindow: EventTarget & { activeWindow?: unknown } = Object.assign(new EventTarget(), {
  setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval,
  activeDocument: globalDocument,
});
harnessWindow.activeWindow = harnessWindow;

Object.assign(globalThis, {
  createEl, createDiv, createSpan, createFragment,
  activeDocument: globalDocument,
  window: harnessWindow,
  activeWindow: harnessWindow,
});
