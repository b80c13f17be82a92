import { useEffect, useState } from 'react';
import type { ImageCache } from './image-cache.js';

/** An image's thumbnail from the cache (grid pages, the review list). */
export function Thumbnail({ sha256, thumbnails }: { sha256: string; thumbnails: ImageCache }) {
  const [loaded, setLoaded] = useState<{ sha256: string; url: string } | null>(null);
  useEffect(() => {
    let live = true;
    thumbnails
      .load(sha256)
      .then((url) => {
        if (live) setLoaded({ sha256, url });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [sha256, thumbnails]);
  const url = loaded?.sha256 === sha256 ? loaded.url : thumbnails.ready(sha256);
  return url === null ? (
    <div className="grid-thumb-empty" />
  ) : (
    <img className="grid-thumb" src={url} alt="" data-testid="thumbnail" />
  );
}
