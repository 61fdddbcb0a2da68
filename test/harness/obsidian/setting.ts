// Obsidian's `Setting` row and its controls, with Obsidian's DOM classes. Drive them as a user would:
// `text.inputEl.value = 'x'; text.inputEl.trigger('input')`, `dropdown.selectEl.value = 'a';
// dropdown.selectEl.trigger('change')`, `toggle.toggleEl.click()`, `button.buttonEl.click()`,
// `extra.extraSettingsEl.click()`. `setValue` never calls onChange, except on a toggle, whose
// `setValue` to a different value does (Obsidian's toggle clicks go through setValue).
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import './dom.js';
import { setIcon } from './platform.js';

/** The base of every control. */
export abstract class BaseComponent {
  disabled = false;
  then(cb: (component: this) => any): this {
    cb(this);
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }
}

/** A control that holds a value. */
export abstract class ValueComponent<T> extends BaseComponent {
  abstract getValue(): T;
  abstract setValue(value: T): this;
}

/** A text input or text area; onChange fires on every `input` event. */
export class AbstractTextComponent<T extends HTMLInputElement | HTMLTextAreaElement> extends ValueComponent<string> {
  inputEl: T;
  #callback: ((value: string) => any) | null = null;

  constructor(inputEl: T) {
    super();
    this.inputEl = inputEl;
    inputEl.addEventListener('input', () => this.onChanged());
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.inputEl.disabled = disabled;
    return this;
  }
  getValue(): string { return this.inputEl.value; }
  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }
  setPlaceholder(placeholder: string): this {
    this.inputEl.placeholder = placeholder;
    return this;
  }
  onChanged(): void { void this.#callback?.(this.getValue()); }
  onChange(callback: (value: string) => any): this {
    this.#callback = callback;
    return this;
  }
}

/** A one-line text input. */
export class TextComponent extends AbstractTextComponent<HTMLInputElement> {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('input', { type: 'text' }));
  }
}

/** A multi-line text input. */
export class TextAreaComponent extends AbstractTextComponent<HTMLTextAreaElement> {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('textarea'));
  }
}

/** An on/off switch; clicking it flips the value. */
export class ToggleComponent extends ValueComponent<boolean> {
  toggleEl: HTMLElement;
  #on = false;
  #callback: ((value: boolean) => any) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.toggleEl = containerEl.createDiv('checkbox-container');
    this.toggleEl.createEl('input', { type: 'checkbox', attr: { tabindex: 0 } });
    this.toggleEl.addEventListener('click', () => this.onClick());
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.toggleEl.toggleClass('is-disabled', disabled);
    return this;
  }
  getValue(): boolean { return this.#on; }
  setValue(on: boolean): this {
    const changed = on !== this.#on;
    this.#on = on;
    this.toggleEl.toggleClass('is-enabled', on);
    if (changed) void this.#callback?.(on);
    return this;
  }
  setTooltip(tooltip: string): this {
    this.toggleEl.setAttr('aria-label', tooltip);
    return this;
  }
  onClick(): void {
    if (!this.disabled) this.setValue(!this.#on);
  }
  onChange(callback: (value: boolean) => any): this {
    this.#callback = callback;
    return this;
  }
}

/** A select; onChange fires on its `change` event. */
export class DropdownComponent extends ValueComponent<string> {
  selectEl: HTMLSelectElement;
  #callback: ((value: string) => any) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.selectEl = containerEl.createEl('select', 'dropdown');
    this.selectEl.addEventListener('change', () => void this.#callback?.(this.getValue()));
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.selectEl.disabled = disabled;
    return this;
  }
  addOption(value: string, display: string): this {
    this.selectEl.createEl('option', { value, text: display });
    return this;
  }
  addOptions(options: Record<string, string>): this {
    for (const [value, display] of Object.entries(options)) this.addOption(value, display);
    return this;
  }
  getValue(): string { return this.selectEl.value; }
  setValue(value: string): this {
    this.selectEl.value = value;
    return this;
  }
  onChange(callback: (value: string) => any): this {
    this.#callback = callback;
    return this;
  }
}

/** A button. */
export class ButtonComponent extends BaseComponent {
  buttonEl: HTMLButtonElement;

  constructor(containerEl: HTMLElement) {
    super();
    this.buttonEl = containerEl.createEl('button');
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.buttonEl.disabled = disabled;
    return this;
  }
  setCta(): this { this.buttonEl.addClass('mod-cta'); return this; }
  removeCta(): this { this.buttonEl.removeClass('mod-cta'); return this; }
  setWarning(): this { this.buttonEl.addClass('mod-warning'); return this; }
  setDestructive(): this { this.buttonEl.addClass('mod-destructive'); return this; }
  removeDestructive(): this { this.buttonEl.removeClass('mod-destructive'); return this; }
  setTooltip(tooltip: string): this { this.buttonEl.setAttr('aria-label', tooltip); return this; }
  setButtonText(name: string): this { this.buttonEl.setText(name); return this; }
  setIcon(icon: string): this { setIcon(this.buttonEl, icon); return this; }
  setClass(cls: string): this { this.buttonEl.addClass(cls); return this; }
  onClick(callback: (evt: MouseEvent) => unknown): this {
    this.buttonEl.addEventListener('click', (evt) => void callback(evt));
    return this;
  }
}

/** A small icon button. */
export class ExtraButtonComponent extends BaseComponent {
  extraSettingsEl: HTMLElement;

  constructor(containerEl: HTMLElement) {
    super();
    this.extraSettingsEl = containerEl.createDiv('clickable-icon extra-setting-button');
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.extraSettingsEl.toggleClass('is-disabled', disabled);
    return this;
  }
  setTooltip(tooltip: string): this { this.extraSettingsEl.setAttr('aria-label', tooltip); return this; }
  setIcon(icon: string): this { setIcon(this.extraSettingsEl, icon); return this; }
  onClick(callback: () => any): this {
    this.extraSettingsEl.addEventListener('click', () => { if (!this.disabled) void callback(); });
    return this;
  }
}

/** One row of a settings page: a name, a description and controls. */
export class Setting {
  settingEl: HTMLElement;
  infoEl: HTMLElement;
  nameEl: HTMLElement;
  descEl: HTMLElement;
  controlEl: HTMLElement;
  components: BaseComponent[] = [];

  constructor(containerEl: HTMLElement) {
    this.settingEl = containerEl.createDiv('setting-item');
    this.infoEl = this.settingEl.createDiv('setting-item-info');
    this.nameEl = this.infoEl.createDiv('setting-item-name');
    this.descEl = this.infoEl.createDiv('setting-item-description');
    this.controlEl = this.settingEl.createDiv('setting-item-control');
  }

  setName(name: string | DocumentFragment): this { this.nameEl.setText(name); return this; }
  setDesc(desc: string | DocumentFragment): this { this.descEl.setText(desc); return this; }
  setClass(cls: string): this { this.settingEl.addClass(cls); return this; }
  setTooltip(tooltip: string): this { this.nameEl.setAttr('aria-label', tooltip); return this; }
  setHeading(): this { this.settingEl.addClass('setting-item-heading'); return this; }
  setDisabled(disabled: boolean): this {
    this.settingEl.toggleClass('is-disabled', disabled);
    for (const c of this.components) c.setDisabled(disabled);
    return this;
  }

  addButton(cb: (component: ButtonComponent) => any): this { return this.#add(new ButtonComponent(this.controlEl), cb); }
  addExtraButton(cb: (component: ExtraButtonComponent) => any): this { return this.#add(new ExtraButtonComponent(this.controlEl), cb); }
  addToggle(cb: (component: ToggleComponent) => any): this { return this.#add(new ToggleComponent(this.controlEl), cb); }
  addText(cb: (component: TextComponent) => any): this { return this.#add(new TextComponent(this.controlEl), cb); }
  addTextArea(cb: (component: TextAreaComponent) => any): this { return this.#add(new TextAreaComponent(this.controlEl), cb); }
  addDropdown(cb: (component: DropdownComponent) => any): this { return this.#add(new DropdownComponent(this.controlEl), cb); }

  then(cb: (setting: this) => any): this {
    cb(this);
    return this;
  }
  clear(): this {
    this.controlEl.empty();
    this.components = [];
    return this;
  }

  #add<C extends BaseComponent>(component: C, cb: (component: C) => any): this {
    this.components.push(component);
    cb(component);
    return this;
  }
}
