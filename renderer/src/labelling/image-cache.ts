import type { OrchardApi } from '../../../core/contract/client.js';

/**
 * Images of the labelling view as object URLs, fetched once over the contract (base64) and
 * decoded ahead of time, so moving to the next item never waits for the network or the decoder.
 * Least recently used entries are dropped (and their URLs revoked) past `capacity`.
 */
export interface ImageCache {
  /** The object URL when the image is loaded and decoded, else null. */
  ready(sha256: string): string | null;
  /** Loads and decodes (once); resolves with the object URL. */
  load(sha256: string): Promise<string>;
  /** Loads several in the background; failures surface when the image is shown. */
  preload(sha256s: readonly string[]): void;
  dispose(): void;
}

export function base64ToBlob(base64: string, mediaType: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: mediaType });
}

type Fetch = (sha256s: readonly string[]) => Promise<{ sha256: string; mediaType: string; base64: string }[]>;

function createCache(fetchMany: Fetch, capacity: number, batch: number): ImageCache {
  const urls = new Map<string, string>();
  const loading = new Map<string, Promise<string>>();
  let disposed = false;

  const remember = (sha256: string, url: string): void => {
    urls.set(sha256, url);
    while (urls.size > capacity) {
      const oldest = urls.keys().next().value;
      if (oldest === undefined) break;
      URL.revokeObjectURL(urls.get(oldest) ?? '');
      urls.delete(oldest);
    }
  };

  const fetchBatch = (sha256s: readonly string[]): void => {
    const request = fetchMany(sha256s).then(async (images) => {
      const made = new Map<string, string>();
      for (const image of images) {
        const url = URL.createObjectURL(base64ToBlob(image.base64, image.mediaType));
        const element = new Image();
        element.src = url;
        // Decoding now keeps the decoded pixels in the browser's cache for when the item shows.
        await element.decode().catch(() => undefined);
        if (disposed) URL.revokeObjectURL(url);
        else remember(image.sha256, url);
        made.set(image.sha256, url);
      }
      return made;
    });
    for (const sha256 of sha256s) {
      const one = request.then((made) => {
        const url = made.get(sha256);
        if (url === undefined) throw new Error(`The engine sent no image ${sha256.slice(0, 12)}….`);
        return url;
      });
      one.catch(() => undefined).finally(() => loading.delete(sha256));
      loading.set(sha256, one);
    }
  };

  const cache: ImageCache = {
    ready: (sha256) => {
      const url = urls.get(sha256);
      if (url === undefined) return null;
      // Touch: most recently used goes last.
      urls.delete(sha256);
      urls.set(sha256, url);
      return url;
    },
    load: (sha256) => {
      const url = cache.ready(sha256);
      if (url !== null) return Promise.resolve(url);
      const inFlight = loading.get(sha256);
      if (inFlight) return inFlight;
      fetchBatch([sha256]);
      return loading.get(sha256) ?? Promise.reject(new Error('The image could not be requested.'));
    },
    preload: (sha256s) => {
      const wanted = [...new Set(sha256s)].filter((sha256) => !urls.has(sha256) && !loading.has(sha256));
      for (let i = 0; i < wanted.length; i += batch) fetchBatch(wanted.slice(i, i + batch));
    },
    dispose: () => {
      disposed = true;
      for (const url of urls.values()) URL.revokeObjectURL(url);
      urls.clear();
    },
  };
  return cache;
}

/** Full images (`images.read`), one request each; a handful ahead of the current item. */
export function createImageCache(api: OrchardApi, capacity = 48): ImageCache {
  return createCache(
    async (sha256s) => Promise.all(sha256s.map((sha256) => api.images.read({ sha256 }))),
    capacity,
    1,
  );
}

/** Thumbnails (`images.thumbnails`, up to 200 a call) for grid pages. */
export function createThumbnailCache(api: OrchardApi, capacity = 400): ImageCache {
  return createCache((sha256s) => api.images.thumbnails({ sha256s: [...sha256s] }), capacity, 100);
}
