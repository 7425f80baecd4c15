// The conversation in a real browser against the real server: opening the widget, answering by
// quick-reply buttons and by typing, pacing with a typing indicator, the crisis look of "Get help
// now", and the opener card's copy and print.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assert_unique, fast_pacing, open_widget, screenshot, wait_for_bot } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

const live = serve_and_launch();

test('the launcher is a named button that opens the panel, says it is expanded and moves focus in', async () => {
  const page = await live.demo_page();
  const launcher = page.getByRole('button', { name: /open chat with riverside counselling/i });
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  const focused_class = await page.evaluate(() => document.querySelector('heregoes-chat').shadowRoot.activeElement?.className);
  assert.equal(focused_class, 'hg-title');
  await wait_for_bot(page, 0);
  await screenshot(page, 'demo-open-desktop');
  await page.close();
});

test('a quick reply is sent, stays readable as the answer, and the bot answers once per seq', async () => {
  const page = await live.demo_page();
  const first = await start_conversation(page);
  const choice = page.locator('heregoes-chat .hg-choices button').first();
  const group_label = await page.locator('heregoes-chat .hg-choices').getAttribute('aria-label');
  assert.ok(group_label, 'the quick replies are a labelled group');
  const label = (await choice.textContent()).trim();
  await choice.click();
  const mine = page.locator('heregoes-chat .hg-msg--you').last();
  assert.equal((await mine.locator('.hg-text').textContent()).trim(), label);
  const after_choice = await wait_for_bot(page, first.length);
  assert.ok(after_choice.length > first.length);
  assert.ok(assert_unique(after_choice), `no seq shown twice: ${after_choice}`);
  assert.deepEqual([...after_choice].sort((a, b) => a - b), after_choice, 'messages appear in seq order');
  await page.close();
});

test('typed text is sent with Enter, and Shift+Enter adds a line instead of sending', async () => {
  const page = await live.demo_page();
  const first = await start_conversation(page);
  const input = page.getByLabel('Type a message');
  assert.equal(await input.evaluate((n) => getComputedStyle(n).fontSize), '16px');
  await input.fill('what happens');
  await input.press('Shift+Enter');
  await input.pressSequentially('in a first session?');
  assert.equal(await input.inputValue(), 'what happens\nin a first session?');
  assert.equal(await page.locator('heregoes-chat .hg-msg--you').count(), 0, 'Shift+Enter did not send');
  await input.press('Enter');
  assert.equal(await input.inputValue(), '');
  const mine = page.locator('heregoes-chat .hg-msg--you .hg-text');
  assert.equal(await mine.textContent(), 'what happens\nin a first session?');
  const next = await wait_for_bot(page, first.length);
  assert.ok(next.length > first.length);
  await page.close();
});

test('bot messages are paced behind a typing indicator that holds still under reduced motion', async () => {
  const page = await live.browser.context.newPage();
  await fast_pacing(page, 1);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(live.server.url + '/');
  await open_widget(page);
  const typing = page.locator('heregoes-chat .hg-typing');
  await typing.waitFor({ state: 'visible' });
  assert.equal(await typing.getAttribute('aria-hidden'), 'true', 'the indicator is not a second announcement channel');
  const animation = await page.locator('heregoes-chat .hg-dot').first().evaluate((n) => getComputedStyle(n).animationName);
  assert.equal(animation, 'none');
  await wait_for_bot(page, 0);
  await page.close();
});

test('"Get help now" brings crisis messages marked by icon, heading and border, not colour alone', async () => {
  const page = await live.demo_page();
  await start_conversation(page);
  await page.getByRole('button', { name: 'Get help now' }).click();
  const crisis = page.locator('heregoes-chat .hg-msg--crisis').first();
  await crisis.waitFor();
  assert.equal((await crisis.locator('.hg-crisis-heading').textContent()).trim(), 'Help is available');
  assert.equal(await crisis.locator('.hg-crisis-heading svg').count(), 1);
  const border = await crisis.evaluate((n) => parseFloat(getComputedStyle(n).borderTopWidth));
  assert.ok(border >= 3, `a visible border (${border}px)`);
  await wait_for_bot(page, 0);
  await screenshot(page, 'demo-crisis');
  assert.ok(await page.locator('heregoes-chat .hg-help').isVisible(), 'help stays reachable');
  await page.close();
});

test('nothing of the conversation reaches the document title', async () => {
  const page = await live.demo_page();
  const title = await page.title();
  const before_typing = await start_conversation(page);
  await page.getByLabel('Type a message').fill('a private thought');
  await page.getByLabel('Type a message').press('Enter');
  await wait_for_bot(page, before_typing.length);
  assert.equal(await page.title(), title);
  await page.close();
});

test('the locale comes from the page language, or from the locale setting when given', async () => {
  const first_start = async (setup) => {
    const page = await live.browser.context.newPage();
    await page.addInitScript(setup);
    const sent = new Promise((resolve) =>
      page.on('websocket', (ws) => ws.on('framesent', (f) => resolve(JSON.parse(f.payload)))),
    );
    await page.goto(live.server.url + '/');
    await open_widget(page);
    const frame = await sent;
    await page.close();
    return frame;
  };
  const from_page = await first_start(() => {});
  assert.deepEqual(from_page, { type: 'start', locale: 'en' });
  const from_setting = await first_start(() => {
    window.heregoes = function () {
      (window.heregoes.q = window.heregoes.q || []).push(arguments);
    };
    window.heregoes('set', { locale: 'es-MX' });
  });
  assert.deepEqual(from_setting, { type: 'start', locale: 'es' });
});
