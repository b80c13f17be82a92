/** The image formats Orchard imports, named as sharp and the `images` table name them. */
export const imageFormats = ['png', 'jpeg', 'webp'] as const;
export type ImageFormat = (typeof imageFormats)[number];

export const mediaTypeOf: Readonly<Record<ImageFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** Files with these extensions are read; others in the folder (notes, CSVs, GIFs) are ignored. */
export const imageExtensions = ['.png', '.jpg', '.jpeg', '.webp'] as const;

export function hasImageExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return imageExtensions.some((extension) => lower.endsWith(extension));
}

/** What the first bytes of a file say it is. */
export type SniffedImage =
  | { readonly kind: 'image'; readonly format: ImageFormat }
  | { readonly kind: 'other'; readonly description: string };

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return bytes.every((byte, index) => head[at + index] === byte);
}

function ascii(head: Uint8Array, from: number, to: number): string {
  return Buffer.from(head.subarray(from, to)).toString('latin1');
}

/** Formats people drop into image folders that Orchard does not read, by their magic bytes. */
const otherFormats: ReadonlyArray<{ readonly test: (head: Uint8Array) => boolean; readonly name: string }> = [
  { name: 'a GIF image', test: (h) => ascii(h, 0, 6) === 'GIF87a' || ascii(h, 0, 6) === 'GIF89a' },
  // 'BM' plus a known DIB header size, so a text file that starts with "BM" is not taken for one.
  {
    name: 'a BMP image',
    test: (h) =>
      ascii(h, 0, 2) === 'BM' && [12, 40, 52, 56, 64, 108, 124].includes(h[14] ?? -1) && h[15] === 0,
  },
  {
    name: 'a TIFF image',
    test: (h) => startsWith(h, [0x49, 0x49, 0x2a, 0x00]) || startsWith(h, [0x4d, 0x4d, 0x00, 0x2a]),
  },
  { name: 'a HEIF/AVIF image', test: (h) => ascii(h, 4, 8) === 'ftyp' },
  { name: 'an ICO icon', test: (h) => startsWith(h, [0x00, 0x00, 0x01, 0x00]) },
  { name: 'a JPEG XL image', test: (h) => startsWith(h, [0xff, 0x0a]) },
  { name: 'a PDF document', test: (h) => ascii(h, 0, 5) === '%PDF-' },
  { name: 'an SVG drawing', test: (h) => /<svg[\s>]/i.test(ascii(h, 0, Math.min(h.length, 1024))) },
];

/** Text (no NUL and no other control bytes but whitespace) rather than binary data. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  return head.every((byte) => byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

/**
 * The format of a file from its content, never its name: a PNG renamed `.jpg` is a PNG, and a
 * text file named `.png` is text. `head` needs at least the first 16 bytes.
 */
export function sniffImage(head: Uint8Array): SniffedImage {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', format: 'png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (head.length === 0) return { kind: 'other', description: 'an empty file' };
  const other = otherFormats.find((candidate) => candidate.test(head));
  if (other) return { kind: 'other', description: other.name };
  if (looksLikeText(head.subarray(0, 512))) return { kind: 'other', description: 'text, not an image' };
  return { kind: 'other', description: 'not a PNG, JPEG or WebP image' };
}
