// The setup the browser test files share: one real server and one Chromium for the whole file,
// started before its first test and closed after its last, and the two ways a test begins (a new
// tab on the demo page with fast pacing; the widget opened and its first turn shown). Kept in one
// place so every file starts the same way and a change to the setup is made once.

import { after, before } from 'node:test';
import { fast_pacing, launch, open_widget, wait_for_bot } from './browser.mjs';
import { heregoes_server } from './server.mjs';

// Registers the file's before and after hooks: `heregoes serve` and Chromium (given
// `chromium_args`) are started before the first test, then `prepare(suite)` runs, and both are
// closed after the last test. A file's own setup goes in `prepare` rather than a second before
// hook: under Node 20 a second top-level hook ran before this one had finished starting Chromium.
// Returns the suite, whose `server` and `browser` are set once the before hook has run.
export function serve_and_launch(chromium_args = [], prepare = async () => {}) {
  const suite = {
    server: null,
    browser: null,

    // A new tab on the demo page with the widget's pacing cut to a tenth, at `viewport` when one
    // is given.
    async demo_page({ viewport } = {}) {
      const page = await suite.browser.context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      await fast_pacing(page);
      await page.goto(suite.server.url + '/');
      return page;
    },
  };
  before(async () => {
    suite.server = new heregoes_server();
    await suite.server.start();
    suite.browser = await launch(chromium_args);
    await prepare(suite);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.dispose();
  });
  return suite;
}

// Opens the widget and waits until the bot's first turn is shown to its end; returns its seqs.
export async function start_conversation(page) {
  await open_widget(page);
  return wait_for_bot(page, 0);
}
