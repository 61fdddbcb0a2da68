// Obsidian's `Menu` and `MenuItem`, without rendering: items are kept so tests can list and click
// them (harness only: `menu.items`, `item.title`, `item.click()`).
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import { Component } from './component.js';

/** A context menu. */
export class Menu extends Component {
  /** Harness only: the items and separators, in order. */
  readonly items: (MenuItem | 'separator')[] = [];
  /** Harness only: whether the menu is showing. */
  shown = false;
  readonly #onHide: (() => any)[] = [];

  addItem(cb: (item: MenuItem) => any): this {
    const item = new MenuItem(this);
    this.items.push(item);
    cb(item);
    return this;
  }
  addSeparator(): this {
    this.items.push('separator');
    return this;
  }
  setNoIcon(): this { return this; }
  setUseNativeMenu(_useNativeMenu: boolean): this { return this; }
  showAtMouseEvent(_evt: MouseEvent): this { this.shown = true; return this; }
  showAtPosition(_position: { x: number; y: number }, _doc?: Document): this { this.shown = true; return this; }
  hide(): this {
    if (this.shown) {
      this.shown = false;
      for (const cb of this.#onHide) cb();
    }
    return this;
  }
  close(): void { this.hide(); }
  onHide(callback: () => any): void { this.#onHide.push(callback); }

  /** Harness only: the item with this title. */
  item(title: string): MenuItem {
    const found = this.items.find((i): i is MenuItem => i !== 'separator' && i.title === title);
    if (!found) throw new Error(`No menu item titled "${title}"; items: ${this.items.map((i) => (i === 'separator' ? '—' : i.title)).join(', ')}`);
    return found;
  }
}

/** One entry of a menu. */
export class MenuItem {
  /** Harness only: what was set on the item. */
  title = '';
  icon: string | null = null;
  section = '';
  checked: boolean | null = null;
  disabled = false;
  warning = false;
  readonly #menu: Menu;
  #onClick: ((evt: MouseEvent | KeyboardEvent) => any) | null = null;

  /** Use `Menu.addItem`. */
  constructor(menu: Menu) { this.#menu = menu; }

  setTitle(title: string | DocumentFragment): this {
    this.title = typeof title === 'string' ? title : title.textContent ?? '';
    return this;
  }
  setIcon(icon: string | null): this { this.icon = icon; return this; }
  setChecked(checked: boolean | null): this { this.checked = checked; return this; }
  setDisabled(disabled: boolean): this { this.disabled = disabled; return this; }
  setWarning(isWarning: boolean): this { this.warning = isWarning; return this; }
  setIsLabel(_isLabel: boolean): this { return this; }
  setSection(section: string): this { this.section = section; return this; }
  onClick(callback: (evt: MouseEvent | KeyboardEvent) => any): this { this.#onClick = callback; return this; }

  /** Harness only: click the item as a user would (nothing happens when disabled); the menu closes. */
  async click(): Promise<void> {
    if (this.disabled) return;
    this.#menu.hide();
    await this.#onClick?.(new Event('click') as MouseEvent);
  }
}
