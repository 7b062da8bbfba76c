// The watermark page's arithmetic (issue 14), apart from the DOM so unit tests can run it: what
// the hash says, and how many tiles cover a window.
export interface Watermark {
  text: string;
  opacity: number;
}

/** The hash as the main process writes it; a bad opacity reads as the policy's default. */
export function readHash(hash: string): Watermark {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const o = Number(p.get('opacity'));
  return {
    text: (p.get('text') ?? '').slice(0, 512),
    opacity: Number.isFinite(o) && o >= 0.02 && o <= 0.5 ? o : 0.08,
  };
}

/**
 * Tiles for a window of this size: the grid overhangs by half the window on each side, so that
 * turned by 24 degrees about the centre it still covers the corners.
 */
export function tileCount(width: number, height: number, tileW = 288, tileH = 144): number {
  return Math.ceil((width * 2) / tileW + 1) * Math.ceil((height * 2) / tileH + 1);
}
