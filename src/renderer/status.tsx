// The tray's status window's page (issue 14 §1): status, request an exception, redeem a token.
import { mount } from './common/mount.js';
import { StatusApp } from './status/app.js';

mount((bridge, lang) => <StatusApp bridge={bridge} lang={lang} />);
