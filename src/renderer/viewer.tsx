// The log viewer's page (issue 14 §5). #all: the tray asks admin.sock (security staff).
import { mount } from './common/mount.js';
import { App } from './viewer/app.js';

mount((bridge, lang) => <App bridge={bridge} lang={lang} all={location.hash === '#all'} />);
