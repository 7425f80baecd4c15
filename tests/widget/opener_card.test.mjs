// The opener card: the rehearsal ends with the person's opening line offered as a card they can
// copy and print. The test walks the shipped first-session dialog to it by its quick replies
// (menu → try an opening line → a worry → put it together → use the example).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fast_pacing, screenshot, wait_for_bot } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

// The quick replies on the way to the card, in order, as the English strings label them.
const path_to_card = [/opening line/i, /trust/i, /put it together/i, /example/i];

const live = serve_and_launch([], ({ browser, server }) =>
  browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
);

async function walk_to_card(page) {
  let seqs = await start_conversation(page);
  for (const label of path_to_card) {
    await page.locator('heregoes-chat .hg-choices button', { hasText: label }).first().click();
    seqs = await wait_for_bot(page, seqs.length);
  }
  const card = page.locator('heregoes-chat .hg-card');
  await card.waitFor();
  return card;
}

test('the opener card is copied to the clipboard with its Copy button', async () => {
  const page = await live.demo_page();
  const card = await walk_to_card(page);
  assert.equal((await card.locator('.hg-card-heading').textContent()).trim(), 'Your opening line');
  const line = (await card.locator('.hg-text').textContent()).trim();
  assert.ok(line.length > 0);
  await card.getByRole('button', { name: 'Copy' }).click();
  await page.locator('heregoes-chat .hg-status', { hasText: 'Copied.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), line);
  await screenshot(page, 'demo-opener-card');
  await page.close();
});

test('printing shows the opener card alone', async () => {
  const page = await live.browser.context.newPage();
  await fast_pacing(page);
  await page.addInitScript(() => {
    // Headless printing has no dialog; record the call and fire the events a real print would.
    window.print = () => {
      window.__printed = true;
      window.dispatchEvent(new Event('beforeprint'));
    };
  });
  await page.goto(live.server.url + '/');
  const card = await walk_to_card(page);
  await card.getByRole('button', { name: 'Print' }).click();
  assert.ok(await page.evaluate(() => window.__printed));
  await page.emulateMedia({ media: 'print' });
  const visible = await page.evaluate(() => {
    const root = document.querySelector('heregoes-chat').shadowRoot;
    const shown = (n) => n.getClientRects().length > 0;
    return {
      card: shown(root.querySelector('.hg-card .hg-text')),
      page_main: shown(document.querySelector('main')),
      header: shown(root.querySelector('.hg-header')),
      compose: shown(root.querySelector('.hg-compose')),
      other_messages: [...root.querySelectorAll('.hg-msg:not(.hg-card)')].filter(shown).length,
    };
  });
  assert.deepEqual(visible, { card: true, page_main: false, header: false, compose: false, other_messages: 0 });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.emulateMedia({ media: 'screen' });
  assert.ok(await page.locator('main').isVisible(), 'the page comes back after printing');
  await page.close();
});
