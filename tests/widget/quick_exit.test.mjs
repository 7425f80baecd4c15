// Quick exit: the Exit button and Shift pressed three times close the socket, wipe the widget's
// storage and transcript, blank the page and replace the location with the exit URL, so Back does
// not lead to the chat. The default exit URL is intercepted in the browser, so no test leaves the
// machine.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fast_pacing } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

const exit_url = 'https://www.bbc.co.uk/weather';
const before_url = 'https://example.org/before';

const live = serve_and_launch();

// A page whose history is [before_url, demo page], with the widget open mid-conversation and
// the neutral sites answered locally.
async function page_in_conversation() {
  const page = await live.browser.context.newPage();
  await page.route(exit_url, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Weather</title>weather' }));
  await page.route(before_url, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Before</title>before' }));
  await fast_pacing(page);
  await page.goto(before_url);
  await page.goto(live.server.url + '/');
  await start_conversation(page);
  assert.ok(await page.evaluate(() => sessionStorage.getItem('heregoes.v1')));
  return page;
}

async function assert_left_cleanly(page) {
  await page.waitForURL(exit_url);
  assert.equal(await page.title(), 'Weather');
  // Back skips the chat: location.replace took the demo page out of the history.
  await page.goBack();
  assert.equal(page.url(), before_url);
  // Same tab, same origin again: the widget's storage is gone.
  await page.goto(live.server.url + '/');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('heregoes.v1')), null);
  assert.equal(await page.locator('heregoes-chat .hg-panel').isVisible(), false, 'the chat does not reopen');
}

test('the Exit button blanks the page, wipes storage and leaves without a way Back', async () => {
  const page = await page_in_conversation();
  // What the page looked like as it was left, written where the test can read it afterwards (the
  // same tab's sessionStorage for this origin, under a key the widget does not own).
  await page.evaluate(() =>
    window.addEventListener('pagehide', () => {
      const root = document.querySelector('heregoes-chat').shadowRoot;
      const overlay = root.querySelector('.hg-overlay');
      sessionStorage.setItem(
        'exit_probe',
        JSON.stringify({
          overlay_shown: !overlay.hidden,
          overlay_role: overlay.getAttribute('role'),
          transcript_children: root.querySelector('.hg-log').childElementCount,
          page_hidden: document.querySelector('main').hidden,
          stored: sessionStorage.getItem('heregoes.v1'),
        }),
      );
    }),
  );
  await page.getByRole('button', { name: 'Exit this page quickly' }).click();
  await assert_left_cleanly(page);
  const probe = JSON.parse(await page.evaluate(() => sessionStorage.getItem('exit_probe')));
  assert.deepEqual(probe, {
    overlay_shown: true,
    overlay_role: 'alert',
    transcript_children: 0,
    page_hidden: true,
    stored: null,
  });
  await page.close();
});

test('pressing Shift three times on its own exits', async () => {
  const page = await page_in_conversation();
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  const status = await page.locator('heregoes-chat .hg-status').textContent();
  assert.match(status, /1 more time/);
  await page.keyboard.press('Shift');
  await assert_left_cleanly(page);
  await page.close();
});

test('another key between Shift presses resets the count', async () => {
  const page = await page_in_conversation();
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await page.keyboard.press('a');
  await page.keyboard.press('Shift');
  await page.waitForTimeout(300);
  assert.equal(page.url(), live.server.url + '/');
  assert.ok(await page.evaluate(() => sessionStorage.getItem('heregoes.v1')));
  await page.close();
});

test('the Exit button and the browse-safely note are always in the header and footer', async () => {
  const page = await page_in_conversation();
  const exit = page.getByRole('button', { name: 'Exit this page quickly' });
  assert.ok(await exit.isVisible());
  const note = await page.locator('heregoes-chat .hg-note').textContent();
  assert.match(note, /cannot erase your browser history/);
  await page.close();
});
