/**
 * Browsers cap an element's height (about 16.7M px in Chromium, less elsewhere), so a million
 * 28 px rows cannot get a spacer of their true height. Above `maxSpacerHeight` the spacer is
 * shrunk and scroll positions are mapped linearly, so the top of the scrollbar is row 0 and the
 * bottom shows the last row.
 */
export const maxSpacerHeight = 8_000_000;

export interface ScrollScale {
  /** Height of the element that gives the scroll container its scroll range. */
  readonly spacerHeight: number;
  /** The element's scrollTop → offset into the true (unscaled) content. */
  toContentOffset(scrollTop: number, viewportHeight: number): number;
  /** Offset into the true content → the scrollTop that shows it. */
  toScrollTop(contentOffset: number, viewportHeight: number): number;
}

export function scrollScale(contentHeight: number, limit = maxSpacerHeight): ScrollScale {
  if (contentHeight <= limit) {
    return {
      spacerHeight: contentHeight,
      toContentOffset: (scrollTop) => scrollTop,
      toScrollTop: (contentOffset) => contentOffset,
    };
  }
  // Map the scrollable ranges onto each other (not the heights), so both ends line up exactly.
  const ratio = (viewport: number): number => {
    const scrollable = limit - viewport;
    return scrollable > 0 ? Math.max(contentHeight - viewport, 0) / scrollable : 1;
  };
  return {
    spacerHeight: limit,
    toContentOffset: (scrollTop, viewport) => scrollTop * ratio(viewport),
    toScrollTop: (contentOffset, viewport) => contentOffset / ratio(viewport),
  };
}
