// Drives Debian's Chromium (no browser download) through playwright-core, and holds the few
// page actions every widget test needs: open the widget, wait for the bot, read the transcript.
// Selectors pierce the widget's open shadow root, as Playwright's CSS engine does by default.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const artifacts_dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../artifacts');

const chromium_path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Long enough for a paced turn (typing_ms is capped at 3.5 s per message by the widget) on a
// busy CI machine; a wait that runs out means the widget is broken, not slow.
export const wait_ms = 20000;
// How often a wait looks at the page again.
const poll_ms = 50;

// `extra_args` go to Chromium after the fixed ones.
export async function launch(extra_args = []) {
  const user_data_dir = fs.mkdtempSync('/tmp/heregoes-chromium-');
  const context = await chromium.launchPersistentContext(user_data_dir, {
    executablePath: chromium_path,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extra_args,
    ],
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(wait_ms);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(user_data_dir, { recursive: true, force: true });
    },
  };
}

// Makes the widget show bot messages with a tenth of their pacing, through the queue stub the
// page provides, so the suite stays quick while pacing is still exercised.
export async function fast_pacing(page, pace = 0.1) {
  await page.addInitScript((p) => {
    window.heregoes = function () {
      (window.heregoes.q = window.heregoes.q || []).push(arguments);
    };
    window.heregoes('set', { pace: p });
  }, pace);
}

export async function open_widget(page) {
  await page.locator('heregoes-chat .hg-launcher').click();
  await page.locator('heregoes-chat .hg-panel').waitFor({ state: 'visible' });
}

// Seq numbers of the bot messages on screen, in DOM order.
export async function shown_seqs(page) {
  return page.locator('heregoes-chat .hg-msg--bot').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
}

// Waits until more than `count` bot messages are on screen and the turn has been shown to its
// end (its last message awaits input and nothing is left in the pacing queue); returns the seqs.
// Waits until `predicate(arg)`, run in the page, is true. It polls with evaluate (run by the
// DevTools protocol, outside the page's CSP) where waitForFunction would need the page to allow
// eval, which the demo page's strict policy does not.
export async function wait_until(page, predicate, arg, what = 'the page to get ready') {
  const deadline = Date.now() + wait_ms;
  for (;;) {
    if (await page.evaluate(predicate, arg)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${wait_ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, poll_ms));
  }
}

// The widget's status line, as the page shows it.
export async function status_text(page) {
  return page.evaluate(() => document.querySelector('heregoes-chat').shadowRoot.querySelector('.hg-status').textContent);
}

export async function wait_for_bot(page, count) {
  await wait_until(
    page,
    (n) => {
      const host = document.querySelector('heregoes-chat');
      const root = host && host.shadowRoot;
      if (!root) return false;
      const typing = root.querySelector('.hg-typing');
      const bots = root.querySelectorAll('.hg-msg--bot');
      return bots.length > n && bots[bots.length - 1].hasAttribute('data-await') && typing && typing.hidden;
    },
    count,
    `a bot turn after message ${count}`,
  );
  return shown_seqs(page);
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifacts_dir, { recursive: true });
  await page.screenshot({ path: path.join(artifacts_dir, name + '.png') });
}

export function assert_unique(seqs) {
  return new Set(seqs).size === seqs.length;
}
