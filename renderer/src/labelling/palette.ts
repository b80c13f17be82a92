import { reservedHotkeys } from '../../../core/contract/labels.js';
import type { LabelClass } from '../../../core/contract/labels.js';

/**
 * Colours for new classes: Okabe–Ito first (told apart with the common colour-vision deficiencies),
 * then a few more distinct ones for sets with many classes.
 */
export const classPalette = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#d55e00',
  '#56b4e9',
  '#f0e442',
  '#000000',
  '#8c564b',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

const reserved: ReadonlySet<string> = new Set(reservedHotkeys);

/** Hotkeys in the order new classes get them: 1–9, 0, then letters the view does not keep for itself. */
export const hotkeyOrder: readonly string[] = [
  ...'1234567890',
  ...'abcdefghilmnopqrtvwxyz'.split('').filter((key) => !reserved.has(key)),
];

/** The class a new row of the label set form starts as: the next free hotkey and colour. */
export function nextClass(existing: readonly LabelClass[], name = ''): LabelClass {
  const taken = new Set(existing.map((entry) => entry.hotkey));
  const hotkey = hotkeyOrder.find((key) => !taken.has(key)) ?? '';
  const usedColours = new Set(existing.map((entry) => entry.color.toLowerCase()));
  const color =
    classPalette.find((colour) => !usedColours.has(colour)) ??
    classPalette[existing.length % classPalette.length] ??
    '#0072b2';
  return { name, color, hotkey };
}

/** Classes named in one go (one per line or comma-separated), each with the next default hotkey and colour. */
export function classesFromNames(names: readonly string[]): LabelClass[] {
  const classes: LabelClass[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === '' || classes.some((entry) => entry.name.toLowerCase() === name.toLowerCase())) continue;
    classes.push(nextClass(classes, name));
  }
  return classes;
}

/** Black or white, whichever reads better on the class colour. */
export function textColourOn(background: string): string {
  const value = Number.parseInt(background.slice(1), 16);
  if (Number.isNaN(value)) return '#000000';
  const r = (value >> 16) & 0xff;
  const g = (value >> 8) & 0xff;
  const b = value & 0xff;
  // Relative luminance, roughly (sRGB weights without the gamma curve): enough to pick black or white.
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 150 ? '#000000' : '#ffffff';
}
