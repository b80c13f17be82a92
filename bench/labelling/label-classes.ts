/**
 * The classes of the benchmark's two label sets and their hotkeys, shared by the process that makes
 * the sets and the one that presses the keys.
 */
export { imageClasses } from './generate-images.js';

/** Classes of the 1,000,000-row table's set (the text column is the synthetic `note`). */
export const tableClasses = ['keep', 'review', 'drop'] as const;

/** Class i gets hotkey i + 1; the tenth gets 0. */
export const hotkeyOf = (index: number): string => String((index + 1) % 10);

const colours = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#46f0f0',
  '#f032e6',
  '#bcf60c',
  '#008080',
  '#9a6324',
];

export const colourOf = (index: number): string => colours[index % colours.length]!;
