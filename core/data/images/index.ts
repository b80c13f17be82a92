/** Image datasets: a folder of PNG, JPEG and WebP files read into a snapshot (docs/labelling.md). */
export { decodeImage, ImageRejectedError, makeThumbnail, maxInputPixels, thumbnailSide } from './decode.js';
export type { DecodedImage } from './decode.js';
export { readImageFolder } from './read-folder.js';
export type { FolderImage, ImageFacts, ImageFolderHooks, ImageFolderRead, NewImage } from './read-folder.js';
export { scanImageFolder } from './scan-folder.js';
export type { FolderImageFile, FolderScan } from './scan-folder.js';
export { imageFormats, mediaTypeOf, sniffImage } from './sniff.js';
export type { ImageFormat } from './sniff.js';
export { parentFolderName, writeImageSnapshot } from './snapshot.js';
export type { ImageSnapshot } from './snapshot.js';
