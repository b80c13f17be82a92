import { describe, expect, it } from 'vitest';
import { LabelSetDefinition } from '../../../core/contract/labels.js';
import { classesFromNames, hotkeyOrder, nextClass, textColourOn } from './palette.js';

describe('class defaults', () => {
  it('gives hotkeys 1..9, 0, then letters the view does not keep', () => {
    expect(hotkeyOrder.slice(0, 10).join('')).toBe('1234567890');
    for (const reserved of ['j', 'k', 's', 'u']) expect(hotkeyOrder).not.toContain(reserved);
  });

  it('makes classes a label set definition accepts', () => {
    const classes = classesFromNames(['cat', 'dog', 'Cat', ' ', 'bird']);
    expect(classes.map((entry) => [entry.name, entry.hotkey])).toEqual([
      ['cat', '1'],
      ['dog', '2'],
      ['bird', '3'],
    ]);
    expect(new Set(classes.map((entry) => entry.color)).size).toBe(3);
    // 10 digits and 22 free letters: the most classes that can each have a key.
    expect(hotkeyOrder).toHaveLength(32);
    const many = classesFromNames(Array.from({ length: hotkeyOrder.length }, (_, i) => `class ${i}`));
    const parsed = LabelSetDefinition.safeParse({ name: 'many', task: 'single', classes: many });
    expect(parsed.success).toBe(true);
  });

  it('skips hotkeys already taken', () => {
    expect(nextClass([{ name: 'a', color: '#0072b2', hotkey: '1' }]).hotkey).toBe('2');
  });

  it('picks readable text on a class colour', () => {
    expect(textColourOn('#f0e442')).toBe('#000000');
    expect(textColourOn('#0072b2')).toBe('#ffffff');
  });
});
