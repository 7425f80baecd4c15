// WCAG 2.2 AA checks in a real browser: axe-core over the demo page with the widget closed, open,
// in crisis and at 320 px (axe looks inside open shadow roots), a keyboard-only walk, target sizes,
// reflow at 320 px and at 200% zoom, and right-to-left layout.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { open_widget, screenshot, wait_for_bot } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

const axe_source = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// WCAG 2.0–2.2 A and AA rules plus axe's best practices (landmarks, headings, region).
const axe_tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
// WCAG 2.2 SC 2.5.8: targets at least 24 by 24 CSS pixels.
const min_target_px = 24;

const live = serve_and_launch();

async function axe_violations(page) {
  // Evaluated through the DevTools protocol: a <script> tag would be refused by the page's CSP.
  await page.evaluate(axe_source);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    axe_tags,
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// Buttons, links and fields of the widget that are smaller than the minimum target.
async function small_targets(page) {
  return page.evaluate((min) => {
    const root = document.querySelector('heregoes-chat').shadowRoot;
    return [...root.querySelectorAll('button, a, textarea')]
      .filter((n) => n.getClientRects().length)
      .map((n) => ({ n, r: n.getBoundingClientRect() }))
      .filter(({ n, r }) => (r.width < min || r.height < min) && n.tagName !== 'A')
      .map(({ n, r }) => `${n.className} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }, min_target_px);
}

test('axe finds no violations on the demo page with the widget closed', async () => {
  const page = await live.demo_page();
  await page.locator('heregoes-chat .hg-launcher').waitFor();
  assert.deepEqual(await axe_violations(page), []);
  await screenshot(page, 'demo-closed-desktop');
  await page.close();
});

test('axe finds no violations with the widget open mid-conversation and in crisis', async () => {
  const page = await live.demo_page();
  const first = await start_conversation(page);
  await page.locator('heregoes-chat .hg-choices button').first().click();
  await wait_for_bot(page, first.length);
  assert.deepEqual(await axe_violations(page), []);
  await page.getByRole('button', { name: 'Get help now' }).click();
  await page.locator('heregoes-chat .hg-msg--crisis').first().waitFor();
  await wait_for_bot(page, 0);
  assert.deepEqual(await axe_violations(page), []);
  await page.close();
});

test('one announcement channel: the transcript is a log and no other live region holds messages', async () => {
  const page = await live.demo_page();
  await start_conversation(page);
  const regions = await page.evaluate(() => {
    const root = document.querySelector('heregoes-chat').shadowRoot;
    return [...root.querySelectorAll('[role=log], [role=status], [role=alert], [aria-live]')].map((n) => ({
      role: n.getAttribute('role'),
      messages: n.querySelectorAll('.hg-msg').length,
    }));
  });
  const with_messages = regions.filter((r) => r.messages > 0);
  assert.deepEqual(with_messages.map((r) => r.role), ['log']);
  await page.close();
});

test('a keyboard-only walk: open, answer, type, close with Escape and land back on the launcher', async () => {
  const page = await live.demo_page();
  await page.locator('heregoes-chat .hg-launcher').waitFor();
  const active = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      return a && a.shadowRoot && a.shadowRoot.activeElement ? a.shadowRoot.activeElement.className : a && a.tagName;
    });
  // Tab from the top of the page until the launcher has focus (it comes last in the page).
  for (let i = 0; i < 20 && (await active()) !== 'hg-launcher'; i++) await page.keyboard.press('Tab');
  assert.equal(await active(), 'hg-launcher');
  await page.keyboard.press('Enter');
  assert.equal(await active(), 'hg-title', 'focus moved into the panel');
  const first = await wait_for_bot(page, 0);
  for (let i = 0; i < 10 && (await active()) !== 'hg-choice'; i++) await page.keyboard.press('Tab');
  assert.equal(await active(), 'hg-choice');
  const outline = await page.evaluate(() => {
    const n = document.querySelector('heregoes-chat').shadowRoot.activeElement;
    const s = getComputedStyle(n);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.equal(outline.style, 'solid', 'focus is visible');
  assert.ok(outline.width >= 2);
  await page.keyboard.press('Enter');
  assert.equal(await active(), 'hg-input', 'focus moves on to the message box when the buttons go');
  const second = await wait_for_bot(page, first.length);
  await page.keyboard.type('how long is a session?');
  await page.keyboard.press('Enter');
  await wait_for_bot(page, second.length);
  await page.keyboard.press('Escape');
  assert.equal(await active(), 'hg-launcher', 'focus is back on the launcher');
  assert.equal(await page.locator('heregoes-chat .hg-launcher').getAttribute('aria-expanded'), 'false');
  await page.close();
});

test('every target in the open widget is at least 24 by 24 CSS pixels', async () => {
  const page = await live.demo_page();
  await start_conversation(page);
  assert.deepEqual(await small_targets(page), []);
  await page.close();
});

test('at 320 px the panel fills the screen without sideways scrolling and passes axe', async () => {
  const page = await live.demo_page({ viewport: { width: 320, height: 640 } });
  await start_conversation(page);
  const box = await page.locator('heregoes-chat .hg-panel').boundingBox();
  assert.equal(Math.round(box.width), 320);
  assert.equal(Math.round(box.x), 0);
  const overflow = await page.evaluate(() => {
    const root = document.querySelector('heregoes-chat').shadowRoot;
    return [...root.querySelectorAll('.hg-panel *')]
      .filter((n) => n.getClientRects().length)
      .filter((n) => n.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((n) => n.className);
  });
  assert.deepEqual(overflow, [], 'nothing sticks out to the right');
  assert.ok(await page.getByRole('button', { name: 'Exit this page quickly' }).isVisible());
  assert.ok(await page.getByLabel('Type a message').isVisible());
  assert.deepEqual(await small_targets(page), []);
  assert.deepEqual(await axe_violations(page), []);
  await screenshot(page, 'demo-open-320px');
  await page.close();
});

test('at 200% zoom (a 1280 px window seen as 640 px) everything is reachable', async () => {
  const page = await live.demo_page({ viewport: { width: 640, height: 400 } });
  await start_conversation(page);
  for (const name of ['Exit this page quickly', 'Close chat', 'Get help now', 'Send']) {
    const box = await page.getByRole('button', { name }).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= 400 && box.x >= 0 && box.x + box.width <= 640, name);
  }
  const input = await page.getByLabel('Type a message').boundingBox();
  assert.ok(input.y + input.height <= 400, 'the message box is on screen');
  await screenshot(page, 'demo-open-zoom-200');
  await page.close();
});

test('a right-to-left locale mirrors the widget', async () => {
  const page = await live.browser.context.newPage();
  await page.addInitScript(() => {
    window.heregoes = function () {
      (window.heregoes.q = window.heregoes.q || []).push(arguments);
    };
    window.heregoes('set', { locale: 'ar', pace: 0.1 });
  });
  await page.goto(live.server.url + '/');
  await open_widget(page);
  assert.equal(await page.locator('heregoes-chat').getAttribute('dir'), 'rtl');
  const box = await page.locator('heregoes-chat .hg-panel').boundingBox();
  assert.ok(box.x < 100, `the panel sits on the left (x=${box.x})`);
  await wait_for_bot(page, 0);
  await page.close();
});
