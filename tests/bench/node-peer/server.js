// The Node.js peer of the heregoes benchmark (tests/bench/run.sh): a `ws` 8 server with
// permessage-deflate off that runs a heregoes dialog file with a minimal state machine
// (dialog.js) and speaks protocol v1 at GET /ws (docs/protocol.md): start, choice, text, restart
// and forget; session and bot frames; the error codes a scripted client can meet. Resume is not
// implemented (sessions live only in the connection), so a start with a token gets bad_token.
// All frames of a turn go out in one socket write, as the engine sends them.
//
// usage: node server.js --port N [--host 127.0.0.1] [--dialogs DIR] [--dialog ID] [--locale en]

import http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { loadDialog, DialogSession } from './dialog.js';

// Limits as in the engine's defaults: a chat frame is small, a typed line is short.
const maxFrameBytes = 4096;
const maxTextChars = 1000;

function parseArgs(argv) {
  const options = { host: '127.0.0.1', port: 0, dialogs: 'dialogs', dialog: 'first-session', locale: 'en' };
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in options) || i + 1 >= argv.length) {
      throw new Error(`unknown option or missing value: ${argv[i]}`);
    }
    options[name] = name === 'port' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error('--port must be a port number');
  }
  return options;
}

const errorFrame = (code, message) => JSON.stringify({ type: 'error', code, message });

const botFrame = (m) =>
  JSON.stringify({
    type: 'bot',
    seq: m.seq,
    topic: m.topic,
    id: m.id,
    text: m.text,
    choices: m.choices,
    typing_ms: m.typing_ms,
    await: m.await,
    flags: m.flags,
  });

// Sends a turn's frames in one write: cork the socket, queue every frame, uncork.
function sendAll(ws, frames) {
  const socket = ws._socket;
  socket.cork();
  for (const f of frames) ws.send(f);
  socket.uncork();
}

function main() {
  const options = parseArgs(process.argv);
  const dialog = loadDialog(options.dialogs, options.dialog, options.locale);
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: maxFrameBytes });

  wss.on('connection', (ws) => {
    let session = null;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, 'text frames only');
        return;
      }
      let frame;
      try {
        frame = JSON.parse(data.toString('utf8'));
      } catch {
        ws.send(errorFrame('bad_json', 'The frame is not valid JSON.'));
        return;
      }
      if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
        ws.send(errorFrame('bad_json', 'The frame must be a JSON object.'));
        return;
      }
      switch (frame.type) {
        case 'start': {
          if (frame.token !== undefined) {
            ws.send(errorFrame('bad_token', 'This server keeps no sessions to resume: start a new one.'));
            return;
          }
          if (frame.dialog !== undefined && frame.dialog !== dialog.id) {
            ws.send(errorFrame('unknown_dialog', 'No dialog with that id is loaded.'));
            return;
          }
          if (frame.locale !== undefined && frame.locale !== dialog.locale) {
            ws.send(errorFrame('unknown_locale', 'The dialog has no strings for that locale.'));
            return;
          }
          session = new DialogSession(dialog, randomInt(1 << 30));
          const hello = JSON.stringify({
            type: 'session',
            token: randomBytes(24).toString('base64url'),
            resumed: false,
            dialog: dialog.id,
            version: dialog.version,
            locale: dialog.locale,
          });
          sendAll(ws, [hello, ...session.start().map(botFrame)]);
          return;
        }
        case 'choice':
        case 'text':
        case 'restart':
          break;
        case 'forget':
          session = null;
          ws.send(JSON.stringify({ type: 'forgotten' }));
          ws.close(1000);
          return;
        default:
          ws.send(errorFrame('unknown_type', 'The frame type is not one this server knows.'));
          return;
      }
      if (session === null) {
        ws.send(errorFrame('not_started', 'Send a start frame first.'));
        return;
      }
      if (frame.type === 'restart') {
        sendAll(ws, session.start().map(botFrame));
        return;
      }
      if (frame.type === 'choice') {
        if (typeof frame.id !== 'string') {
          ws.send(errorFrame('missing_field', 'A choice frame needs a string "id".'));
          return;
        }
        const messages = session.choose(frame.id);
        if (messages === null) {
          ws.send(errorFrame('unknown_choice', 'That choice is not offered at this point.'));
          return;
        }
        sendAll(ws, messages.map(botFrame));
        return;
      }
      if (typeof frame.text !== 'string') {
        ws.send(errorFrame('missing_field', 'A text frame needs a string "text".'));
        return;
      }
      if ([...frame.text].length > maxTextChars) {
        ws.send(errorFrame('too_large', 'The text is longer than this server accepts.'));
        return;
      }
      const result = session.say(frame.text);
      if (result.action === 'forget') {
        session = null;
        ws.send(JSON.stringify({ type: 'forgotten' }));
        ws.close(1000);
        return;
      }
      sendAll(ws, result.messages.map(botFrame));
    });
    ws.on('error', () => {}); // a reset peer is routine under load; the close follows
  });

  server.listen(options.port, options.host, () => {
    console.log(`node-peer listening on ${server.address().port}`);
  });
  const stop = () => {
    wss.close();
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
