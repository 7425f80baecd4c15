// The widget under a strict Content Security Policy: no 'unsafe-inline', no 'unsafe-eval', styles
// only from the widget's own origin. The test serves the demo page with that header (allowing the
// page's own inline stub and styles by hash) and fails on any violation the browser reports. A
// second run checks that a nonce on the script tag is carried to the widget's stylesheet link.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { wait_for_bot } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

// A page answered through route.fulfill has no loopback address space of its own, so Chromium's
// Local Network Access checks would block its loopback WebSocket; the real page is served by the
// loopback server and never meets them.
const live = serve_and_launch(['--disable-features=LocalNetworkAccessChecks']);

function sha256(text) {
  return `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;
}

// The hashes of the demo page's own inline <script> and <style> blocks.
function inline_hashes(html) {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]));
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => sha256(m[1]));
  return { scripts, styles };
}

async function page_with_csp(make_policy, rewrite = (html) => html) {
  const page = await live.browser.context.newPage();
  const violations = [];
  await page.exposeFunction('report_violation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.report_violation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sample})`),
    );
    window.heregoes = function () {
      (window.heregoes.q = window.heregoes.q || []).push(arguments);
    };
    window.heregoes('set', { pace: 0.1 });
  });
  await page.route(live.server.url + '/', async (route) => {
    const response = await route.fetch();
    const html = rewrite(await response.text());
    await route.fulfill({
      response,
      body: html,
      headers: { ...response.headers(), 'content-security-policy': make_policy(inline_hashes(html)) },
    });
  });
  await page.goto(live.server.url + '/');
  return { page, violations };
}

test('the widget works under a CSP without unsafe-inline or unsafe-eval', async () => {
  const { page, violations } = await page_with_csp(
    ({ scripts, styles }) =>
      `default-src 'none'; script-src 'self' ${scripts.join(' ')}; style-src 'self' ${styles.join(' ')}; ` +
      `connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
  const first = await start_conversation(page);
  await page.locator('heregoes-chat .hg-choices button').first().click();
  await wait_for_bot(page, first.length);
  const styled = await page.locator('heregoes-chat .hg-launcher').evaluate((n) => getComputedStyle(n).borderRadius);
  assert.notEqual(styled, '0px', 'the stylesheet loaded');
  assert.deepEqual(violations.filter((v) => !v.includes('favicon')), []);
  await page.close();
});

test('a nonce on the script tag lets the widget load under a nonce-only policy', async () => {
  const nonce = crypto.randomBytes(16).toString('base64');
  const { page, violations } = await page_with_csp(
    () =>
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; ` +
      `img-src 'self'; base-uri 'none'`,
    (html) => html.replaceAll('<script', `<script nonce="${nonce}"`).replaceAll('<style>', `<style nonce="${nonce}">`),
  );
  await start_conversation(page);
  const styled = await page.locator('heregoes-chat .hg-launcher').evaluate((n) => getComputedStyle(n).borderRadius);
  assert.notEqual(styled, '0px', 'the stylesheet loaded with the nonce');
  assert.deepEqual(violations.filter((v) => !v.includes('favicon')), []);
  await page.close();
});
