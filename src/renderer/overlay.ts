// The watermark page (issue 14): the text and opacity come in the hash (src/main/overlay.ts
// fills the policy's template there); the text is repeated over the window as text, never as
// HTML (a user or host name is not markup). Enough tiles to cover the window, rotated.
import { readHash, tileCount } from './watermark-page.js';

function draw(): void {
  const w = readHash(location.hash);
  const tiles = document.createElement('div');
  tiles.className = 'tiles';
  tiles.style.opacity = String(w.opacity);
  const n = w.text ? tileCount(innerWidth, innerHeight) : 0;
  for (let i = 0; i < n; i++) {
    const t = document.createElement('div');
    t.className = 'tile';
    t.textContent = w.text;
    tiles.append(t);
  }
  document.body.replaceChildren(tiles);
}

draw();
addEventListener('hashchange', draw);
addEventListener('resize', draw);
