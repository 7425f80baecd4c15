// The widget's own labels in the page's language, against the real server: a Spanish page (by its
// <html lang>, or by data-locale on the script tag) gets the Spanish catalogue and the Spanish
// dialog, a site's heregoes('strings', ...) still wins over the catalogue, and a locale the widget
// has no catalogue for falls back to English, marked lang="en". The demo page is rewritten on its
// way to the browser.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repo_root } from './harness/server.mjs';
import { status_text, wait_for_bot, wait_until } from './harness/browser.mjs';
import { serve_and_launch, start_conversation } from './harness/demo_suite.mjs';

// The first thing the dialog says in each locale, read from its strings files so the test follows them.
function first_line(locale) {
  const file = path.join(repo_root, 'dialogs/strings', locale, 'first-session.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).strings['welcome.hello'].text;
}

// A page answered through route.fulfill has no loopback address space of its own, so Chromium's
// Local Network Access checks would block its loopback WebSocket (as in csp.test.mjs).
const live = serve_and_launch(['--disable-features=LocalNetworkAccessChecks']);

// Opens the demo page with its HTML passed through `rewrite`, after the queued calls `calls`.
async function page_with(rewrite, calls = []) {
  const page = await live.browser.context.newPage();
  await page.addInitScript((queued) => {
    window.heregoes = function () {
      (window.heregoes.q = window.heregoes.q || []).push(arguments);
    };
    window.heregoes('set', { pace: 0.1 });
    for (const args of queued) window.heregoes(...args);
  }, calls);
  await page.route(live.server.url + '/', async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    const changed = rewrite(html);
    assert.notEqual(changed, html, 'the rewrite found what it changes');
    await route.fulfill({ response, body: changed });
  });
  await page.goto(live.server.url + '/');
  return page;
}

const page_lang = (lang) => (html) => html.replace('<html lang="en">', `<html lang="${lang}">`);
const script_locale = (locale) => (html) => html.replace('src="/widget.js"', `src="/widget.js" data-locale="${locale}"`);

// The text of the first bot message on screen.
async function first_bot_text(page) {
  return (await page.locator('heregoes-chat .hg-msg--bot .hg-text').first().textContent()).trim();
}

test('a page in Spanish gets Spanish labels, status lines and the Spanish dialog', async () => {
  const page = await page_with(page_lang('es-MX'));
  const launcher = page.getByRole('button', { name: /abrir el chat con riverside counselling/i });
  await launcher.click();
  await page.locator('heregoes-chat .hg-panel').waitFor({ state: 'visible' });
  await wait_for_bot(page, 0);
  assert.equal(await first_bot_text(page), first_line('es'));
  assert.equal(await page.locator('heregoes-chat .hg-msg--bot .hg-text').first().getAttribute('lang'), 'es');
  assert.equal(await status_text(page), 'Conectado.');
  assert.equal(await page.locator('heregoes-chat .hg-title').textContent(), 'Guía para la primera sesión');
  assert.equal(await page.getByRole('button', { name: 'Salir rápido de esta página' }).textContent(), 'Salir');
  await page.getByLabel('Escribe un mensaje').waitFor();
  assert.equal((await page.locator('heregoes-chat .hg-send').textContent()).trim(), 'Enviar');
  assert.equal((await page.locator('heregoes-chat .hg-clear').textContent()).trim(), 'Borrar el chat');
  assert.match(await page.locator('heregoes-chat .hg-note').textContent(), /No puede borrar el historial de tu navegador/);
  assert.equal(await page.locator('heregoes-chat .hg-typing-text').textContent(), 'La guía está escribiendo');

  await page.keyboard.press('Shift');
  assert.equal(await status_text(page), 'Pulsa Mayús (Shift) 2 veces más para salir.');
  await page.keyboard.press('Shift');
  assert.equal(await status_text(page), 'Pulsa Mayús (Shift) 1 vez más para salir.');
  await page.keyboard.press('a'); // any other key ends the count, so the page stays

  await page.getByRole('button', { name: 'Pedir ayuda ahora' }).click();
  const crisis = page.locator('heregoes-chat .hg-msg--crisis').first();
  await crisis.waitFor();
  assert.equal((await crisis.locator('.hg-crisis-heading').textContent()).trim(), 'Hay ayuda disponible');
  await page.close();
});

test('data-locale="es" on the script tag picks Spanish on an English page, and site strings still win', async () => {
  const page = await page_with(script_locale('es'), [['strings', { send: 'Mandar' }]]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await start_conversation(page);
  assert.equal(await first_bot_text(page), first_line('es'));
  assert.equal((await page.locator('heregoes-chat .hg-send').textContent()).trim(), 'Mandar');
  assert.equal((await page.locator('heregoes-chat .hg-help').textContent()).trim(), 'Pedir ayuda ahora');
  await page.getByLabel('Escribe un mensaje').waitFor();
  await page.close();
});

test('a locale without a catalogue falls back to English labels and the default dialog', async () => {
  const page = await page_with(script_locale('fr'));
  await start_conversation(page);
  await wait_until(
    page,
    () => document.querySelector('heregoes-chat').shadowRoot.querySelector('.hg-status').textContent === 'Connected.',
    undefined,
    'the English connected status',
  );
  assert.equal(await first_bot_text(page), first_line('en'));
  assert.equal(await page.locator('heregoes-chat').getAttribute('lang'), 'en', 'the English labels are marked English');
  assert.equal(
    await page.locator('heregoes-chat .hg-msg--bot .hg-text').first().getAttribute('lang'),
    'en',
    'the dialog text is marked with the locale the server used',
  );
  assert.equal((await page.locator('heregoes-chat .hg-help').textContent()).trim(), 'Get help now');
  await page.getByLabel('Type a message').waitFor();
  await page.close();
});
