import path from 'node:path';

/**
 * File and folder names made from user text (set names, class names, image paths). They must be
 * one path segment on every platform: no separators, no reserved characters, no `.`/`..`, no
 * leading dot (hidden files, and our own `.partial` staging names), not too long.
 */
export function safeFileName(raw: string, fallback: string): string {
  const cleaned = raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 120);
  // Windows refuses these names whatever the extension; prefixing keeps exports portable.
  return /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(cleaned) ? `_${cleaned}` : cleaned || fallback;
}

/** A name for `<workspace>/exports/`: only letters, digits, `.`, `-` and `_`, so a URL needs no escaping. */
export function exportFileName(stem: string, suffix: string): string {
  const base =
    stem
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 100) || 'labels';
  return `${base}${suffix}`;
}

/**
 * Picks a name not yet taken in a folder, comparing case-insensitively (macOS and Windows folders
 * treat `A.png` and `a.png` as one file): `x.png`, then `x-1.png`, `x-2.png`…
 */
export function uniqueName(taken: Set<string>, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let n = 1; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
