// The confidentiality pledge window's page (issue 14 §3).
import { mount } from './common/mount.js';
import { PledgeApp } from './pledge/app.js';

mount((bridge, lang) => <PledgeApp bridge={bridge} lang={lang} />);
