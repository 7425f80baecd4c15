// The widget's weight and its CSP hygiene, checked on the files themselves: at most 30 KB gzipped
// for widget.js and widget.css together, and none of the constructs a strict Content Security
// Policy or Trusted Types would block (eval, string timers, innerHTML, inline style).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { repo_root } from './harness/server.mjs';

// The budget from the widget guidance (engineering.md §3.2): small enough never to cost a
// practice's page its speed; competitors ship 460 KB to 1 MB.
const max_gzip_bytes = 30 * 1024;

const widget_dir = path.join(repo_root, 'adapters/web/widget');
const js = fs.readFileSync(path.join(widget_dir, 'widget.js'), 'utf8');
const css = fs.readFileSync(path.join(widget_dir, 'widget.css'), 'utf8');

function gzip_size(text) {
  return zlib.gzipSync(Buffer.from(text), { level: 9 }).length;
}

test('widget.js and widget.css together are at most 30 KB gzipped', () => {
  const total = gzip_size(js) + gzip_size(css);
  console.log(`widget.js ${gzip_size(js)} B + widget.css ${gzip_size(css)} B gzipped = ${total} B`);
  assert.ok(total <= max_gzip_bytes, `${total} bytes gzipped is over the ${max_gzip_bytes} byte budget`);
});

test('widget.js uses nothing a strict CSP or Trusted Types blocks', () => {
  const forbidden = [
    [/\beval\s*\(/, 'eval'],
    [/new\s+Function\s*\(/, 'new Function'],
    [/setTimeout\s*\(\s*['"`]/, 'a string timer'],
    [/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/, 'HTML parsing from strings'],
    [/\.style\s*[.=[]|setAttribute\(\s*['"]style['"]|cssText/, 'inline style'],
    [/createElement\(\s*['"]style['"]/, 'an injected <style>'],
  ];
  for (const [pattern, what] of forbidden) assert.doesNotMatch(js, pattern, `widget.js uses ${what}`);
});

test('widget.css uses logical properties so right-to-left pages mirror it', () => {
  const physical = /(?:^|[\s;{])(?:margin|padding|border)-(?:left|right)\s*:|(?:^|[\s;{])(?:left|right)\s*:|text-align:\s*(?:left|right)/m;
  assert.doesNotMatch(css, physical);
});
