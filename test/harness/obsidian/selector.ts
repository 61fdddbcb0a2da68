// The CSS selectors the harness DOM understands: compound selectors made of a tag (or `*`), `#id`,
// `.class`, `[attr]` and `[attr=value]`, joined by descendant (space) or child (`>`) combinators,
// in comma-separated lists. Anything else throws, so a test never silently matches nothing.

/** The part of an element a selector looks at. */
export interface Matchable {
  readonly localName: string;
  readonly parentElement: Matchable | null;
  getAttribute(name: string): string | null;
}

interface Compound {
  tag: string | null;
  id: string | null;
  classes: string[];
  attrs: { name: string; value: string | null }[];
}

/** A compound selector and the combinator that links it to the one on its left. */
interface Step {
  compound: Compound;
  combinator: ' ' | '>' | null;
}

const TOKEN = /\s*(>)\s*|\s+|([a-zA-Z][\w-]*|\*)|#([\w-]+)|\.([\w-]+)|\[\s*([\w-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]+))\s*)?\]/y;

function parseOne(selector: string): Step[] {
  const steps: Step[] = [];
  let compound: Compound | null = null;
  let pending: ' ' | '>' | null = null;
  const text = selector.trim();
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m || m.index !== start) throw new Error(`Harness DOM: unsupported selector "${selector}"`);
    const [whole, child, tag, id, cls, attr, dq, sq, bare] = m;
    if (child !== undefined || /^\s+$/.test(whole)) {
      if (compound) steps.push({ compound, combinator: null });
      compound = null;
      pending = child !== undefined ? '>' : pending ?? ' ';
      continue;
    }
    if (!compound) {
      compound = { tag: null, id: null, classes: [], attrs: [] };
      if (steps.length > 0) steps[steps.length - 1] = { ...steps[steps.length - 1], combinator: pending };
      pending = null;
    }
    if (tag !== undefined) compound.tag = tag === '*' ? null : tag.toLowerCase();
    else if (id !== undefined) compound.id = id;
    else if (cls !== undefined) compound.classes.push(cls);
    else if (attr !== undefined) compound.attrs.push({ name: attr.toLowerCase(), value: dq ?? sq ?? bare ?? null });
  }
  if (compound) steps.push({ compound, combinator: null });
  if (steps.length === 0) throw new Error(`Harness DOM: empty selector "${selector}"`);
  return steps;
}

function matchesCompound(el: Matchable, c: Compound): boolean {
  if (c.tag !== null && el.localName !== c.tag) return false;
  if (c.id !== null && el.getAttribute('id') !== c.id) return false;
  if (c.classes.length > 0) {
    const have = (el.getAttribute('class') ?? '').split(/\s+/);
    if (!c.classes.every((cls) => have.includes(cls))) return false;
  }
  return c.attrs.every(({ name, value }) => {
    const actual = el.getAttribute(name);
    return value === null ? actual !== null : actual === value;
  });
}

/** Whether `el` matches steps[0..index], reading right to left. */
function matchesFrom(el: Matchable, steps: Step[], index: number): boolean {
  if (!matchesCompound(el, steps[index].compound)) return false;
  if (index === 0) return true;
  const combinator = steps[index - 1].combinator;
  if (combinator === '>') return el.parentElement !== null && matchesFrom(el.parentElement, steps, index - 1);
  for (let up = el.parentElement; up !== null; up = up.parentElement) {
    if (matchesFrom(up, steps, index - 1)) return true;
  }
  return false;
}

/** Compiles a selector list into a predicate. */
export function compileSelector(selector: string): (el: Matchable) => boolean {
  const alternatives = selector.split(',').map(parseOne);
  return (el) => alternatives.some((steps) => matchesFrom(el, steps, steps.length - 1));
}
