import { describe, expect, it } from 'vitest';
import type { LabelClass } from '../../../core/contract/labels.js';
import { commandFor, keymapRows } from './keymap.js';
import type { KeymapContext, KeyPress } from './keymap.js';

const classes: LabelClass[] = [
  { name: 'approve', color: '#0072b2', hotkey: '1' },
  { name: 'refer', color: '#e69f00', hotkey: '2' },
  { name: 'decline', color: '#009e73', hotkey: 'd' },
];

const single: KeymapContext = { task: 'single', classes, scoreTyped: false, mode: 'focus' };

function press(key: string, modifiers: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, ...modifiers };
}

describe('commandFor', () => {
  it('maps class hotkeys, case-insensitively', () => {
    expect(commandFor(press('1'), single)).toEqual({ kind: 'class', name: 'approve' });
    expect(commandFor(press('D'), single)).toEqual({ kind: 'class', name: 'decline' });
    expect(commandFor(press('3'), single)).toBeNull();
  });

  it('moves with arrows and J/K, skips with S, opens review with U and the keymap with ?', () => {
    expect(commandFor(press('ArrowRight'), single)).toEqual({ kind: 'next' });
    expect(commandFor(press('j'), single)).toEqual({ kind: 'next' });
    expect(commandFor(press('ArrowLeft'), single)).toEqual({ kind: 'previous' });
    expect(commandFor(press('K'), single)).toEqual({ kind: 'previous' });
    expect(commandFor(press('s'), single)).toEqual({ kind: 'skip' });
    expect(commandFor(press('u'), single)).toEqual({ kind: 'review' });
    expect(commandFor(press('?'), single)).toEqual({ kind: 'keymap' });
    expect(commandFor(press('Enter'), single)).toEqual({ kind: 'submit' });
  });

  it('undoes with Backspace and Ctrl/Cmd+Z, but leaves other shortcuts to the browser', () => {
    expect(commandFor(press('Backspace'), single)).toEqual({ kind: 'undo' });
    expect(commandFor(press('z', { ctrlKey: true }), single)).toEqual({ kind: 'undo' });
    expect(commandFor(press('z', { metaKey: true }), single)).toEqual({ kind: 'undo' });
    expect(commandFor(press('c', { ctrlKey: true }), single)).toBeNull();
    expect(commandFor(press('1', { altKey: true }), single)).toBeNull();
    expect(commandFor(press('a', { ctrlKey: true }), single)).toBeNull();
  });

  it('types scores, and Backspace erases while something is typed', () => {
    const score: KeymapContext = { ...single, task: 'score', classes: [] };
    expect(commandFor(press('7'), score)).toEqual({ kind: 'score-type', text: '7' });
    expect(commandFor(press('.'), score)).toEqual({ kind: 'score-type', text: '.' });
    expect(commandFor(press('x'), score)).toBeNull();
    expect(commandFor(press('Backspace'), score)).toEqual({ kind: 'undo' });
    expect(commandFor(press('Backspace'), { ...score, scoreTyped: true })).toEqual({ kind: 'score-erase' });
  });

  it('in the grid: Ctrl+A selects all, [ and ] turn pages, arrows are left alone', () => {
    const grid: KeymapContext = { ...single, mode: 'grid' };
    expect(commandFor(press('a', { ctrlKey: true }), grid)).toEqual({ kind: 'select-all' });
    expect(commandFor(press(']'), grid)).toEqual({ kind: 'page', delta: 1 });
    expect(commandFor(press('PageUp'), grid)).toEqual({ kind: 'page', delta: -1 });
    expect(commandFor(press('ArrowRight'), grid)).toBeNull();
    expect(commandFor(press('2'), grid)).toEqual({ kind: 'class', name: 'refer' });
  });
});

describe('keymapRows', () => {
  it('lists each class with its hotkey and the fixed keys', () => {
    const rows = keymapRows('single', classes);
    expect(rows[0]).toEqual(['1', 'label approve']);
    expect(rows.map(([key]) => key)).toContain('S');
    expect(keymapRows('multi', classes)[2]).toEqual(['D', 'toggle decline']);
  });
});
