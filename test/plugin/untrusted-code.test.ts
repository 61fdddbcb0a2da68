import { describe, expect, it } from 'vitest';
import { NEUTRALIZED_LANGUAGE, isExecutableFence, neutralizeExecutableCode, neutralizeNoteBytes } from '../../src/mount/untrusted-code';

describe('neutralizing executable code in notes from a knowledge base', () => {
  it('rewrites a dataviewjs fence to the neutral language and keeps the original after it', () => {
    const { text, fences } = neutralizeExecutableCode('```dataviewjs\ndv.paragraph(1)\n```\n');
    expect(fences).toBe(1);
    expect(text).toBe(`\`\`\`${NEUTRALIZED_LANGUAGE} dataviewjs\ndv.paragraph(1)\n\`\`\`\n`);
  });

  it('rewrites tilde fences, longer fences and indented fences', () => {
    const source = '~~~js-engine\nx\n~~~\n\n  ````tx\ny\n````\n';
    const { text, fences } = neutralizeExecutableCode(source);
    expect(fences).toBe(2);
    expect(text).toContain(`~~~${NEUTRALIZED_LANGUAGE} js-engine`);
    expect(text).toContain(`  \`\`\`\`${NEUTRALIZED_LANGUAGE} tx`);
  });

  it('leaves ordinary code alone, including plain js blocks', () => {
    const source = '```js\nconst a = 1\n```\n\n```python\nprint(1)\n```\n';
    expect(neutralizeExecutableCode(source)).toEqual({ text: source, fences: 0, inline: 0 });
  });

  it('treats js blocks with run attributes and run- languages as run-blocks', () => {
    expect(isExecutableFence('js RunJS="hello"')).toBe(true);
    expect(isExecutableFence('run-python')).toBe(true);
    expect(isExecutableFence('DataviewJS')).toBe(true);
    expect(isExecutableFence('javascript')).toBe(false);
  });

  it('does not treat a fence-like line inside another fence as an opener', () => {
    const source = '````markdown\n```dataviewjs\nexample\n```\n````\n';
    expect(neutralizeExecutableCode(source).fences).toBe(0);
  });

  it('escapes Templater tags everywhere, fenced or not', () => {
    const { text, inline } = neutralizeExecutableCode('<% tp.date.now() %>\n```\n<%* tR += 1 %>\n```\n');
    expect(inline).toBe(2);
    expect(text).not.toMatch(/<%/);
    expect(text).toContain('<\\% tp.date.now() %>');
    expect(text).toContain('<\\%* tR += 1 %>');
  });

  it('escapes Dataview inline JavaScript queries', () => {
    const { text } = neutralizeExecutableCode('Count: `$= dv.pages().length`');
    expect(text).toBe('Count: `\\$= dv.pages().length`');
  });

  it('returns the same bytes when there is nothing to neutralize', () => {
    const bytes = new TextEncoder().encode('# Plain note\n');
    expect(neutralizeNoteBytes(bytes)).toBe(bytes);
  });
});
