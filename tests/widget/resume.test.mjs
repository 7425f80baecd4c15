// Resume: the token and last seq live in sessionStorage, so a reload picks the conversation up, and
// a server that goes away mid-conversation is reconnected to with backoff. Either way every bot
// message is on screen exactly once, and the person can carry on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assert_unique, fast_pacing, screenshot, shown_seqs, status_text, wait_for_bot, wait_until } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

const live = serve_and_launch();

async function stored(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('heregoes.v1') || 'null'));
}

test('the token and last seq are kept in sessionStorage only, never in cookies or localStorage', async () => {
  const page = await live.demo_page();
  const seqs = await start_conversation(page);
  const entry = await stored(page);
  assert.equal(typeof entry.token, 'string');
  assert.ok(entry.token.length > 0);
  assert.equal(entry.last_seq, Math.max(...seqs));
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.deepEqual(await live.browser.context.cookies(live.server.url), []);
  const raw = await page.evaluate(() => sessionStorage.getItem('heregoes.v1'));
  const texts = await page.locator('heregoes-chat .hg-msg--bot .hg-text').allTextContents();
  for (const text of texts) assert.ok(!raw.includes(text), 'no conversation text in storage');
  await page.close();
});

test('a site that opts in to local storage gets the entry in localStorage instead', async () => {
  const page = await live.browser.context.newPage();
  await page.addInitScript(() => {
    window.heregoes = function () {
      (window.heregoes.q = window.heregoes.q || []).push(arguments);
    };
    window.heregoes('set', { storage: 'local', pace: 0 });
  });
  await page.goto(live.server.url + '/');
  await start_conversation(page);
  const where = await page.evaluate(() => ({
    local: JSON.parse(localStorage.getItem('heregoes.v1') || 'null'),
    session: sessionStorage.getItem('heregoes.v1'),
  }));
  assert.ok(where.local && where.local.token);
  assert.equal(where.session, null);
  await page.evaluate(() => localStorage.clear());
  await page.close();
});

test('after a reload the conversation is back, each message once, and it carries on', async () => {
  const page = await live.demo_page();
  const first = await start_conversation(page);
  await page.locator('heregoes-chat .hg-choices button').first().click();
  const before_reload = await wait_for_bot(page, first.length);
  const token = (await stored(page)).token;

  await page.reload();
  await page.locator('heregoes-chat .hg-panel').waitFor({ state: 'visible' });
  const after_reload = await wait_for_bot(page, before_reload.length - 1);
  assert.deepEqual(after_reload, before_reload, 'the same messages, each exactly once');
  assert.equal((await stored(page)).token, token, 'the same session');

  await page.getByLabel('Type a message').fill('what happens in a first session?');
  await page.getByLabel('Type a message').press('Enter');
  const carried_on = await wait_for_bot(page, after_reload.length);
  assert.ok(assert_unique(carried_on), `no duplicates: ${carried_on}`);
  assert.ok(Math.min(...carried_on.slice(after_reload.length)) > Math.max(...after_reload));
  await page.close();
});

test('a server restart mid-conversation is reconnected to and the conversation carries on', async () => {
  const page = await live.demo_page();
  const first = await start_conversation(page);
  const token = (await stored(page)).token;

  await live.server.stop();
  const status = page.locator('heregoes-chat .hg-status');
  await wait_until(page, () => /lost/i.test(document.querySelector('heregoes-chat').shadowRoot.querySelector('.hg-status').textContent), null, 'the lost-connection status');
  assert.equal(await status.getAttribute('role'), 'status');
  await screenshot(page, 'demo-reconnecting');
  await live.server.start();
  await wait_until(page, () => /connected again/i.test(document.querySelector('heregoes-chat').shadowRoot.querySelector('.hg-status').textContent), null, 'the reconnected status');
  assert.equal((await stored(page)).token, token, 'the same session after the restart');
  assert.deepEqual(await shown_seqs(page), first, 'nothing shown twice after reconnecting');

  await page.locator('heregoes-chat .hg-choices button').first().click();
  const carried_on = await wait_for_bot(page, first.length);
  assert.ok(assert_unique(carried_on), `no duplicates: ${carried_on}`);
  assert.ok(carried_on.length > first.length);
  await page.close();
});

test('an unknown token starts a fresh conversation', async () => {
  const page = await live.browser.context.newPage();
  await fast_pacing(page);
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      sessionStorage.setItem('heregoes.v1', JSON.stringify({ token: 'no-such-token', last_seq: 5, open: true }));
    }
  });
  await page.goto(live.server.url + '/');
  await page.locator('heregoes-chat .hg-panel').waitFor({ state: 'visible' });
  const seqs = await wait_for_bot(page, 0);
  assert.equal(seqs[0], 1, 'a new session counts from 1');
  assert.notEqual((await stored(page)).token, 'no-such-token');
  assert.match(await status_text(page), /ended, so a new one has started/);
  await page.close();
});

test('"Clear chat" erases the conversation and starts a new one', async () => {
  const page = await live.demo_page();
  await start_conversation(page);
  const token = (await stored(page)).token;
  await page.getByRole('button', { name: 'Clear chat' }).click();
  await wait_until(page, () => /cleared/.test(document.querySelector('heregoes-chat').shadowRoot.querySelector('.hg-status').textContent), null, 'the cleared status');
  const seqs = await wait_for_bot(page, 0);
  assert.equal(seqs[0], 1, 'the new conversation counts from 1');
  assert.notEqual((await stored(page)).token, token);
  await page.close();
});
