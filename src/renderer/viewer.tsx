// The log viewer's page (issue 14 §5). #all: the tray asks admin.sock (security staff).
// The first rows are asked for before the page is built, and the page waits for them (at most
// HEAD_WAIT_MS) so that its first frame has them: the table laid out and painted once with
// its rows, not empty and then again (bench:viewer).
import { mount } from './common/mount.js';
import { App } from './viewer/app.js';
import { NO_FILTERS, toEventFilter } from './viewer/filters.js';
import { headStart } from './viewer/load.js';

/** Longer than an answer from a running agent takes; an agent slower than this shows loading. */
const HEAD_WAIT_MS = 250;

mount(async (bridge, lang) => {
  const head = headStart(bridge, toEventFilter(NO_FILTERS));
  await Promise.race([
    head.page.catch(() => {}),
    new Promise((wait) => setTimeout(wait, HEAD_WAIT_MS)),
  ]);
  return <App bridge={bridge} lang={lang} all={location.hash === '#all'} head={head} />;
});
