/*
 * heregoes web chat widget: one async script a practice adds to its site. It draws a launcher and a
 * chat panel in a custom element's open shadow root, styled only by the static widget.css (no inline
 * styles, no eval, so a strict CSP works), and talks protocol v1 (docs/protocol.md) over one
 * WebSocket. The resume token and last seen seq live in sessionStorage (localStorage only when the
 * site opts in), so a reload or a dropped network carries on where it was. Quick exit (the Exit
 * button or Shift pressed three times) wipes everything the widget holds and leaves the page.
 */
(() => {
  'use strict';

  // The global queue stub (`heregoes.q`) collected calls made before this script ran.
  const queued = (window.heregoes && window.heregoes.q) || [];
  if (window.heregoes && window.heregoes.loaded) return; // the script was included twice

  const script =
    document.currentScript || document.querySelector('script[src*="widget.js"][data-server], script[src*="widget.js"]');
  const data = (script && script.dataset) || {};
  const script_url = new URL((script && script.src) || location.href, location.href);

  // Key of the one storage entry the widget writes; the version suffix drops state from older formats.
  const storage_key = 'heregoes.v1';
  // Backoff after a dropped connection: first wait, growth factor and ceiling. 30 s keeps a person
  // who lost signal from waiting long once it is back, without hammering a server that is down.
  const backoff_first_ms = 500;
  const backoff_factor = 2;
  const backoff_max_ms = 30000;
  // A connection that has stayed up this long is healthy again, so the next drop starts from the
  // first wait (the Direct Line habit of resetting after a minute online).
  const backoff_reset_after_ms = 60000;
  // Bot pacing bounds: never leave someone waiting longer than this for one message.
  const typing_max_ms = 3500;
  // Shift presses that trigger quick exit, and how long each press keeps the count alive (GOV.UK).
  const exit_presses = 3;
  const exit_press_window_ms = 5000;
  // Longest message the person may type, in characters. It keeps one frame well inside the
  // server's text limit; the server still enforces its own and answers too_large beyond it.
  const max_text_chars = 1000;
  // How long the "Copied" confirmation stays in the status line.
  const status_flash_ms = 4000;

  // Scripts read right to left; the widget mirrors its layout for these primary language subtags.
  const rtl_languages = ['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ps', 'sd', 'ug', 'ur', 'yi'];

  // Every sentence the widget itself shows, keyed by id: English, the catalogue used for any
  // locale without one of its own. Sites override ids with heregoes('strings', {...}); dialog text
  // comes from the server in the session's locale.
  const strings = {
    practice: 'our practice',
    launcher: 'Questions about starting therapy?',
    launcher_name: 'Open chat with {practice}',
    title: 'First-session guide',
    subtitle: '{practice}. Automated, not a person or a therapist.',
    close: 'Close chat',
    exit: 'Exit',
    exit_name: 'Exit this page quickly',
    help_now: 'Get help now',
    transcript: 'Conversation',
    guide: 'Guide:',
    you: 'You:',
    replies: 'Reply options',
    input_label: 'Type a message',
    input_hint: 'Please leave out names and details that could identify you.',
    send: 'Send',
    typing: 'The guide is typing',
    crisis_heading: 'Help is available',
    card_heading: 'Your opening line',
    copy: 'Copy',
    print: 'Print',
    copied: 'Copied.',
    copy_failed: 'Copying did not work. You can select the text and copy it.',
    clear: 'Clear chat',
    cleared: 'This chat has been cleared.',
    safety_note: 'Exit, or Shift pressed 3 times, leaves for a weather page. It cannot erase your browser history.',
    safety_link: 'How to browse more safely',
    connecting: 'Connecting…',
    connected: 'Connected.',
    reconnecting: 'Connection lost. Trying again…',
    resumed: 'Connected again. You can carry on.',
    offline_help: 'We cannot reach the chat right now. If you are in danger now, call your local emergency number.',
    not_sent: 'Not connected yet, so that was not sent. Please try again in a moment.',
    expired: 'Your earlier chat had ended, so a new one has started.',
    slow_down: 'That was a lot at once. Please wait a moment, then try again.',
    too_long: 'That message is too long. Please make it shorter.',
    server_error: 'Something went wrong on our side. Please try again.',
    stale_choice: 'Sorry, that reply did not go through. Please type what you meant.',
    unavailable: 'The chat is not available right now.',
    earlier: 'Earlier in this chat',
    shift_left_2: 'Press Shift 2 more times to exit.',
    shift_left_1: 'Press Shift 1 more time to exit.',
    leaving: 'Leaving this page.',
  };

  // The same sentences in other languages, keyed by primary language subtag. The widget picks one
  // by its locale (data-locale, else the page's lang); an id missing here falls back to English.
  // Spanish says "tú" and calls the bot "la guía", as the Spanish dialog strings do.
  const catalogues = {
    es: {
      practice: 'nuestro centro',
      launcher: '¿Tienes preguntas sobre empezar terapia?',
      launcher_name: 'Abrir el chat con {practice}',
      title: 'Guía para la primera sesión',
      subtitle: '{practice}. Es una guía automática, no una persona ni una terapeuta.',
      close: 'Cerrar el chat',
      exit: 'Salir',
      exit_name: 'Salir rápido de esta página',
      help_now: 'Pedir ayuda ahora',
      transcript: 'Conversación',
      guide: 'Guía:',
      you: 'Tú:',
      replies: 'Opciones de respuesta',
      input_label: 'Escribe un mensaje',
      input_hint: 'Por favor, no escribas nombres ni datos que puedan identificarte.',
      send: 'Enviar',
      typing: 'La guía está escribiendo',
      crisis_heading: 'Hay ayuda disponible',
      card_heading: 'Tu frase para empezar',
      copy: 'Copiar',
      print: 'Imprimir',
      copied: 'Copiado.',
      copy_failed: 'No se pudo copiar. Puedes seleccionar el texto y copiarlo.',
      clear: 'Borrar el chat',
      cleared: 'Este chat se ha borrado.',
      safety_note:
        'Salir, o pulsar Mayús (Shift) 3 veces, te lleva a una página del tiempo. No puede borrar el historial de tu navegador.',
      safety_link: 'Cómo navegar de forma más segura',
      connecting: 'Conectando…',
      connected: 'Conectado.',
      reconnecting: 'Se perdió la conexión. Intentando de nuevo…',
      resumed: 'Conectado otra vez. Puedes seguir.',
      offline_help:
        'En este momento no podemos conectar con el chat. Si estás en peligro ahora, llama al número de emergencias de tu zona.',
      not_sent: 'Todavía no hay conexión, así que no se envió. Inténtalo de nuevo en un momento.',
      expired: 'Tu chat anterior había terminado, así que empezó uno nuevo.',
      slow_down: 'Eso fue mucho de una vez. Espera un momento y vuelve a intentarlo.',
      too_long: 'Ese mensaje es demasiado largo. Por favor, hazlo más corto.',
      server_error: 'Algo falló de nuestro lado. Por favor, inténtalo de nuevo.',
      stale_choice: 'Lo siento, esa respuesta no llegó. Escribe lo que querías decir.',
      unavailable: 'El chat no está disponible en este momento.',
      earlier: 'Antes en este chat',
      shift_left_2: 'Pulsa Mayús (Shift) 2 veces más para salir.',
      shift_left_1: 'Pulsa Mayús (Shift) 1 vez más para salir.',
      leaving: 'Saliendo de esta página.',
    },
  };
  // Sentences a site set with heregoes('strings', {...}); they win over every catalogue.
  const overrides = {};

  // Settings from the script tag; heregoes('set', {...}) may change them before the widget opens.
  const lang_attr = data.locale || document.documentElement.lang || 'en';
  const config = {
    server: data.server || '/ws',
    practice: data.practice || '', // empty: the catalogue's "our practice"
    dialog: data.dialog || '',
    locale: lang_attr,
    dir: data.dir || '',
    storage: data.storage === 'local' ? 'local' : 'session',
    exit_url: data.exitUrl || 'https://www.bbc.co.uk/weather',
    safety_url: data.safetyUrl || '',
    stylesheet: data.stylesheet || new URL('widget.css', script_url).href,
    nonce: data.nonce || (script && script.nonce) || '',
    exit_shortcut: data.exitShortcut !== 'off',
    pace: data.pace !== undefined && data.pace !== '' && !Number.isNaN(+data.pace) ? Math.max(0, +data.pace) : 1,
  };

  const listeners = { ready: [], open: [], close: [] };

  // ---- storage: one small JSON entry {token, last_seq, open}; never any conversation text ----

  function store() {
    try {
      return config.storage === 'local' ? window.localStorage : window.sessionStorage;
    } catch {
      return null; // storage blocked by the browser: the chat still works, without resume
    }
  }

  function load_state() {
    try {
      const raw = store() && store().getItem(storage_key);
      const parsed = raw ? JSON.parse(raw) : null;
      if (parsed && typeof parsed.token === 'string' && Number.isInteger(parsed.last_seq)) return parsed;
    } catch {
      // A damaged entry is dropped below, as if there were none.
    }
    return { token: '', last_seq: 0, open: false };
  }

  function save_state() {
    try {
      const s = store();
      if (s) s.setItem(storage_key, JSON.stringify({ token: state.token, last_seq: state.last_seq, open: state.open }));
    } catch {
      // Quota or privacy mode: resume is lost, the conversation is not.
    }
  }

  function wipe_storage() {
    for (const name of ['sessionStorage', 'localStorage']) {
      try {
        window[name].removeItem(storage_key);
      } catch {
        // Storage unavailable: nothing was written there either.
      }
    }
  }

  const state = load_state();

  // ---- small DOM builders (createElement only: no innerHTML, so Trusted Types stay happy) ----

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function attrs(node, map) {
    for (const [k, v] of Object.entries(map)) node.setAttribute(k, v);
    return node;
  }

  const svg_ns = 'http://www.w3.org/2000/svg';
  // Icons as paths on a 24-unit grid; drawn with currentColor so they follow the text colour.
  const icons = {
    chat: 'M4 4h16v11H8l-4 4z',
    close: 'M6 6l12 12M18 6L6 18',
    alert: 'M12 3l10 18H2zM12 10v5M12 17.5v.5',
    send: 'M4 12l16-8-6 16-2-6z',
  };

  function icon(name) {
    const svg = document.createElementNS(svg_ns, 'svg');
    attrs(svg, { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false', class: 'hg-icon' });
    const p = document.createElementNS(svg_ns, 'path');
    p.setAttribute('d', icons[name]);
    svg.append(p);
    return svg;
  }

  // The widget's primary language subtag ("es-MX" → "es").
  function language() {
    return String(config.locale || '').toLowerCase().split(/[-_]/)[0];
  }

  function has_catalogue() {
    return Object.prototype.hasOwnProperty.call(catalogues, language());
  }

  // The sentence `id` in the widget's language: the site's override, else the locale's catalogue,
  // else English.
  function t(id) {
    const catalogue = has_catalogue() ? catalogues[language()] : {};
    const pick = (k) => overrides[k] ?? catalogue[k] ?? strings[k];
    return pick(id).replaceAll('{practice}', config.practice || pick('practice'));
  }

  // ---- the element ----

  class heregoes_chat extends HTMLElement {}
  if (!customElements.get('heregoes-chat')) customElements.define('heregoes-chat', heregoes_chat);

  const host = document.createElement('heregoes-chat');
  const root = host.attachShadow({ mode: 'open' });
  const ui = {};
  let built = false;

  function build() {
    const primary = language();
    const dir = config.dir || (rtl_languages.includes(primary) ? 'rtl' : document.documentElement.dir || 'ltr');
    host.setAttribute('dir', dir);
    // The labels' language: the locale when it has a catalogue (or is English), else English,
    // the catalogue they fell back to, so screen readers pronounce them right.
    const ui_lang = primary === 'en' || has_catalogue() ? config.locale : 'en';
    host.setAttribute('lang', ui_lang);
    dialog_lang = config.locale;

    const link = attrs(el('link'), { rel: 'stylesheet', href: config.stylesheet });
    if (config.nonce) link.nonce = config.nonce;

    // Kept hidden until the stylesheet has loaded, so the page never flashes unstyled controls.
    const wrap = attrs(el('div', 'hg'), { lang: ui_lang, dir, hidden: '' });
    const show = () => wrap.removeAttribute('hidden');
    link.addEventListener('load', show);
    link.addEventListener('error', show);

    // The name starts with the visible words (WCAG 2.5.3) and adds who the chat is with.
    ui.launcher = attrs(el('button', 'hg-launcher'), { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'hg-panel' });
    ui.launcher.append(icon('chat'), el('span', '', t('launcher')), el('span', 'hg-vh', ' ' + t('launcher_name')));

    ui.panel = attrs(el('section', 'hg-panel'), { id: 'hg-panel', role: 'dialog', 'aria-labelledby': 'hg-title', hidden: '' });

    const header = el('div', 'hg-header');
    const heading = el('div', 'hg-heading');
    ui.title = attrs(el('h2', 'hg-title', t('title')), { id: 'hg-title', tabindex: '-1' });
    heading.append(ui.title, el('p', 'hg-subtitle', t('subtitle')));
    ui.exit = attrs(el('button', 'hg-exit'), { type: 'button', 'aria-label': t('exit_name') });
    ui.exit.append(el('span', '', t('exit')));
    ui.close = attrs(el('button', 'hg-close'), { type: 'button', 'aria-label': t('close') });
    ui.close.append(icon('close'));
    header.append(heading, ui.exit, ui.close);

    const bar = el('div', 'hg-bar');
    ui.help = attrs(el('button', 'hg-help'), { type: 'button' });
    ui.help.append(icon('alert'), el('span', '', t('help_now')));
    ui.clear = attrs(el('button', 'hg-clear', t('clear')), { type: 'button' });
    bar.append(ui.help, ui.clear);

    // The one announcement channel: a role="log" transcript (polite, additions only).
    ui.log = attrs(el('div', 'hg-log'), { role: 'log', 'aria-label': t('transcript'), tabindex: '0' });

    ui.typing = attrs(el('div', 'hg-typing'), { 'aria-hidden': 'true', hidden: '' });
    ui.typing.append(el('span', 'hg-dot'), el('span', 'hg-dot'), el('span', 'hg-dot'), el('span', 'hg-typing-text', t('typing')));

    // Connection state and shortcut hints: a quiet status line, never message content.
    ui.status = attrs(el('p', 'hg-status'), { role: 'status' });

    ui.form = el('form', 'hg-compose');
    const label = attrs(el('label', 'hg-label', t('input_label')), { for: 'hg-input' });
    ui.input = attrs(el('textarea', 'hg-input'), {
      id: 'hg-input',
      rows: '2',
      maxlength: String(max_text_chars),
      'aria-describedby': 'hg-hint',
      autocomplete: 'off',
    });
    const hint = attrs(el('p', 'hg-hint', t('input_hint')), { id: 'hg-hint' });
    ui.send = attrs(el('button', 'hg-send'), { type: 'submit' });
    ui.send.append(icon('send'), el('span', '', t('send')));
    const row = el('div', 'hg-row');
    row.append(ui.input, ui.send);
    ui.form.append(label, row, hint);

    const foot = el('div', 'hg-foot');
    const note = el('p', 'hg-note', t('safety_note') + ' ');
    if (config.safety_url) {
      const a = attrs(el('a', '', t('safety_link')), { href: config.safety_url, rel: 'noreferrer', target: '_blank' });
      note.append(a);
    }
    foot.append(note);

    ui.panel.append(header, bar, ui.log, ui.typing, ui.status, ui.form, foot);
    ui.overlay = attrs(el('div', 'hg-overlay'), { hidden: '' });
    wrap.append(ui.panel, ui.launcher, ui.overlay);
    root.append(link, wrap);
    ui.wrap = wrap;

    ui.launcher.addEventListener('click', () => (state.open ? close_panel() : open_panel()));
    ui.close.addEventListener('click', close_panel);
    ui.exit.addEventListener('click', quick_exit);
    ui.help.addEventListener('click', help_now);
    ui.clear.addEventListener('click', clear_chat);
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      send_text();
    });
    ui.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        send_text();
      }
    });
    ui.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close_panel();
      }
    });
    document.body.append(host);
    built = true;
  }

  // ---- opening and closing ----

  function open_panel(opts = {}) {
    if (!built) build();
    const was_open = !ui.panel.hidden;
    state.open = true;
    save_state();
    ui.panel.hidden = false;
    ui.wrap.classList.add('hg--open');
    ui.launcher.setAttribute('aria-expanded', 'true');
    if (!was_open && opts.focus !== false) ui.title.focus();
    connect();
    if (!was_open) emit('open');
  }

  function close_panel() {
    if (!built || ui.panel.hidden) return;
    state.open = false;
    save_state();
    ui.panel.hidden = true;
    ui.wrap.classList.remove('hg--open');
    ui.launcher.setAttribute('aria-expanded', 'false');
    ui.launcher.focus();
    emit('close');
  }

  // ---- the connection ----

  let ws = null;
  let attempt = 0;
  let retry_timer = 0;
  let stable_timer = 0;
  let leaving = false;
  let highest_seen = 0; // highest seq shown or queued on this page; older frames are duplicates
  let started = false; // a session frame arrived on the current socket
  let retried_locale = false;
  let notice = ''; // a status to show once the next session is up, instead of "Connected"
  // The language of the dialog's text: the locale asked for until the session frame names the one
  // the server used, which differs when the dialog has no strings for the locale asked for.
  let dialog_lang = ''; // set when the widget is drawn, after queued settings

  function socket_url() {
    const u = new URL(config.server, script_url);
    if (u.protocol === 'http:') u.protocol = 'ws:';
    if (u.protocol === 'https:') u.protocol = 'wss:';
    return u.href;
  }

  function connect() {
    if (leaving || ws || retry_timer) return;
    set_status(attempt ? 'reconnecting' : 'connecting');
    let sock;
    try {
      sock = new WebSocket(socket_url());
    } catch {
      set_status('unavailable');
      return;
    }
    ws = sock;
    started = false;
    sock.addEventListener('open', () => {
      stable_timer = setTimeout(() => (attempt = 0), backoff_reset_after_ms);
      send_start();
    });
    sock.addEventListener('message', (e) => {
      if (ws !== sock) return;
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return; // the server only sends JSON; anything else is ignored rather than shown
      }
      if (frame && typeof frame === 'object') on_frame(frame);
    });
    sock.addEventListener('close', () => {
      if (ws !== sock) return;
      ws = null;
      clearTimeout(stable_timer);
      // With the panel closed nobody is waiting: reconnect when it opens again, so an idle tab
      // (the server closes idle sockets) does not keep knocking.
      if (leaving || !state.open) return;
      schedule_reconnect();
    });
  }

  function schedule_reconnect() {
    const ceiling = Math.min(backoff_max_ms, backoff_first_ms * backoff_factor ** attempt);
    // "Equal jitter": at least half the step, so retries spread out but never come back at once.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempt += 1;
    set_status('reconnecting');
    retry_timer = setTimeout(() => {
      retry_timer = 0;
      connect();
    }, delay);
  }

  // Sends one frame; false when there is no open socket. Frames other than start also wait for
  // the server's session frame, since the server refuses them before it (not_started).
  function send_frame(frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN || (frame.type !== 'start' && !started)) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  function send_start() {
    if (state.token) {
      // After a reload the transcript is empty, so ask for everything kept; on a dropped
      // connection ask only for what this page has not seen yet.
      send_frame({ type: 'start', token: state.token, last_seq: highest_seen });
      return;
    }
    const frame = { type: 'start' };
    if (config.dialog) frame.dialog = config.dialog;
    if (config.locale && !retried_locale) frame.locale = language();
    send_frame(frame);
  }

  function on_frame(frame) {
    switch (frame.type) {
      case 'session':
        started = true;
        state.token = String(frame.token || '');
        if (typeof frame.locale === 'string' && frame.locale) dialog_lang = frame.locale;
        save_state();
        set_status(notice || (frame.resumed || attempt ? 'resumed' : 'connected'));
        notice = '';
        break;
      case 'bot':
        on_bot(frame);
        break;
      case 'forgotten':
        forgotten();
        break;
      case 'error':
        on_error(frame);
        break;
      default:
        break; // fields and frame types are only ever added in v1: ignore what we do not know
    }
  }

  function on_error(frame) {
    switch (frame.code) {
      case 'bad_token':
        // The session expired or was erased: start afresh, and say so once.
        reset_conversation();
        notice = 'expired';
        send_start();
        break;
      case 'unknown_locale':
        retried_locale = true;
        send_start();
        break;
      case 'rate_limited':
        set_status('slow_down');
        break;
      case 'too_large':
        set_status('too_long');
        break;
      case 'unknown_dialog':
        set_status('unavailable');
        break;
      case 'unknown_choice':
        // A reply the dialog no longer offers (pressed on a page that fell behind the session).
        set_status('stale_choice');
        break;
      default:
        set_status('server_error');
    }
  }

  function reset_conversation() {
    state.token = '';
    state.last_seq = 0;
    highest_seen = 0;
    pending.length = 0;
    clearTimeout(pace_timer);
    pace_timer = 0;
    if (built) {
      ui.log.replaceChildren();
      ui.typing.hidden = true;
    }
    save_state();
  }

  // ---- bot messages: queued, then shown one by one after their typing_ms ----

  const pending = [];
  let pace_timer = 0;
  const reduced_motion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)');

  function on_bot(frame) {
    const seq = Number(frame.seq);
    if (!Number.isInteger(seq) || seq <= highest_seen) return; // already shown: exactly once
    highest_seen = seq;
    // Messages this tab already showed before a reload come back without pacing, as history.
    if (seq <= state.last_seq) {
      if (!ui.log.querySelector('.hg-earlier')) ui.log.append(el('p', 'hg-earlier', t('earlier')));
      render_bot(frame);
      return;
    }
    pending.push(frame);
    pump();
  }

  function pump() {
    if (pace_timer || !pending.length) return;
    const frame = pending[0];
    const wait = Math.min(typing_max_ms, Math.max(0, Number(frame.typing_ms) || 0)) * (Number(config.pace) || 0);
    if (wait <= 0) {
      pending.shift();
      render_bot(frame);
      pump();
      return;
    }
    ui.typing.hidden = false;
    pace_timer = setTimeout(() => {
      pace_timer = 0;
      ui.typing.hidden = true;
      pending.shift();
      render_bot(frame);
      pump();
    }, wait);
  }

  // Shows every queued message at once, used when the person answers before pacing finished so
  // their answer lands after what it answers.
  function flush() {
    clearTimeout(pace_timer);
    pace_timer = 0;
    ui.typing.hidden = true;
    while (pending.length) render_bot(pending.shift());
  }

  function render_bot(frame) {
    const flags = Array.isArray(frame.flags) ? frame.flags : [];
    const crisis = flags.includes('crisis') || frame.topic === 'crisis';
    const card = flags.includes('opener_card');
    const msg = attrs(el('div', 'hg-msg hg-msg--bot'), { 'data-seq': String(frame.seq) });
    if (crisis) msg.classList.add('hg-msg--crisis');
    if (flags.includes('help_note')) msg.classList.add('hg-msg--note');
    // Marks the end of a turn, where the dialog now waits for the person.
    if (frame.await) msg.setAttribute('data-await', '');
    msg.append(el('span', 'hg-vh', t('guide') + ' '));
    if (crisis) {
      const h = el('p', 'hg-crisis-heading');
      h.append(icon('alert'), el('span', '', t('crisis_heading')));
      msg.append(h);
    }
    const body = attrs(el('p', 'hg-text', String(frame.text || '')), { lang: dialog_lang });
    if (card) {
      msg.classList.add('hg-card');
      msg.append(el('p', 'hg-card-heading', t('card_heading')), body);
      const actions = el('div', 'hg-card-actions');
      const copy = attrs(el('button', 'hg-small', t('copy')), { type: 'button' });
      const print = attrs(el('button', 'hg-small', t('print')), { type: 'button' });
      copy.addEventListener('click', () => copy_text(body.textContent));
      print.addEventListener('click', () => print_card(msg));
      actions.append(copy, print);
      msg.append(actions);
    } else {
      msg.append(body);
    }
    ui.log.append(msg);
    // A message that waits for input makes earlier replies stale: only its own stay.
    if (frame.await) remove_choices();
    if (frame.await && Array.isArray(frame.choices) && frame.choices.length) {
      const group = attrs(el('div', 'hg-choices'), { role: 'group', 'aria-label': t('replies') });
      for (const c of frame.choices) {
        const b = attrs(el('button', 'hg-choice', String(c.label || '')), { type: 'button', lang: dialog_lang });
        b.addEventListener('click', () => choose(c, group));
        group.append(b);
      }
      ui.log.append(group);
    }
    if (frame.seq > state.last_seq) {
      state.last_seq = frame.seq;
      save_state();
    }
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function remove_choices() {
    for (const old of ui.log.querySelectorAll('.hg-choices')) old.remove();
  }

  function add_you(text) {
    const msg = el('div', 'hg-msg hg-msg--you');
    msg.append(el('span', 'hg-vh', t('you') + ' '), el('p', 'hg-text', text));
    ui.log.append(msg);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ---- what the person does ----

  function choose(c, group) {
    flush();
    if (!send_frame({ type: 'choice', id: String(c.id) })) {
      set_status('not_sent');
      return;
    }
    group.remove();
    add_you(String(c.label || ''));
    // The buttons are gone, so focus moves on to the next thing to use: the message box.
    ui.input.focus();
  }

  function send_text() {
    const text = ui.input.value.trim();
    if (!text) return;
    flush();
    if (!send_frame({ type: 'text', text })) {
      set_status('not_sent');
      return;
    }
    remove_choices();
    add_you(text);
    ui.input.value = '';
  }

  function help_now() {
    if (!send_frame({ type: 'choice', id: 'safety.help_now' })) {
      set_status('offline_help');
      return;
    }
    flush();
    remove_choices();
    add_you(t('help_now'));
  }

  function clear_chat() {
    if (!send_frame({ type: 'forget' })) {
      // Offline: forget locally; the server's copy expires on its own schedule.
      forgotten();
    }
  }

  function forgotten() {
    const sock = ws;
    ws = null;
    if (sock) sock.close(1000);
    reset_conversation();
    wipe_storage();
    notice = 'cleared';
    set_status('cleared');
    if (state.open) connect();
  }

  async function copy_text(text) {
    try {
      await navigator.clipboard.writeText(text);
      flash('copied');
    } catch {
      flash('copy_failed');
    }
  }

  // Prints the card alone: everything else on the page and in the widget is hidden for the print.
  function print_card(card) {
    const hidden = hide_page();
    host.classList.add('hg-printing');
    card.classList.add('hg-print-me');
    const restore = () => {
      window.removeEventListener('afterprint', restore);
      host.classList.remove('hg-printing');
      card.classList.remove('hg-print-me');
      for (const n of hidden) n.removeAttribute('hidden');
    };
    window.addEventListener('afterprint', restore);
    window.print();
  }

  // Hides every other element in the body; returns the ones it hid so they can come back.
  function hide_page() {
    const hid = [];
    for (const n of document.body.children) {
      if (n !== host && !n.hidden && n.tagName !== 'SCRIPT') {
        n.setAttribute('hidden', '');
        hid.push(n);
      }
    }
    return hid;
  }

  let status_timer = 0;
  function set_status(id) {
    if (!built) return;
    clearTimeout(status_timer);
    ui.status.textContent = t(id);
  }

  function flash(id) {
    set_status(id);
    status_timer = setTimeout(() => (ui.status.textContent = ''), status_flash_ms);
  }

  // ---- quick exit ----

  function quick_exit() {
    leaving = true;
    // Ask the server to erase the session, then close; the frame goes out before the close.
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'forget' }));
      ws.close(1000);
    }
    ws = null;
    clearTimeout(retry_timer);
    clearTimeout(pace_timer);
    pending.length = 0;
    wipe_storage();
    if (!built) build();
    ui.log.replaceChildren();
    ui.input.value = '';
    ui.panel.hidden = true;
    // Blank the page first, so nothing stays visible or reachable while the next page loads.
    const hid = hide_page();
    ui.launcher.hidden = true;
    ui.overlay.hidden = false;
    attrs(ui.overlay, { role: 'alert' });
    ui.overlay.textContent = t('leaving');
    window.addEventListener('pageshow', (e) => {
      // Back/forward cache restored this page: make it usable again.
      if (!e.persisted) return;
      ui.overlay.hidden = true;
      ui.launcher.hidden = false;
      for (const n of hid) n.removeAttribute('hidden');
      leaving = false;
    });
    location.replace(config.exit_url);
  }

  let shift_count = 0;
  let shift_timer = 0;
  function on_key(e) {
    if (!config.exit_shortcut) return;
    if (e.key !== 'Shift') {
      shift_count = 0;
      return;
    }
    if (e.repeat) return;
    shift_count += 1;
    clearTimeout(shift_timer);
    if (shift_count >= exit_presses) {
      shift_count = 0;
      quick_exit();
      return;
    }
    if (built && !ui.panel.hidden) set_status(shift_count === 1 ? 'shift_left_2' : 'shift_left_1');
    shift_timer = setTimeout(() => {
      shift_count = 0;
      if (built) ui.status.textContent = '';
    }, exit_press_window_ms);
  }

  // ---- the public API: heregoes('open') and friends ----

  function emit(name) {
    for (const fn of listeners[name] || []) {
      try {
        fn();
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  }

  const setting_names = {
    server: 'server',
    practice: 'practice',
    dialog: 'dialog',
    locale: 'locale',
    dir: 'dir',
    storage: 'storage',
    exitUrl: 'exit_url',
    safetyUrl: 'safety_url',
    stylesheet: 'stylesheet',
    nonce: 'nonce',
    exitShortcut: 'exit_shortcut',
    pace: 'pace',
  };

  const api = {
    open: () => open_panel(),
    close: () => close_panel(),
    toggle: () => (state.open ? close_panel() : open_panel()),
    exit: () => quick_exit(),
    clear: () => clear_chat(),
    set: (settings) => {
      // Settings that shape the element apply when it is first drawn; set them before opening.
      for (const [k, v] of Object.entries(settings || {})) if (setting_names[k]) config[setting_names[k]] = v;
    },
    strings: (given) => {
      for (const [k, v] of Object.entries(given || {})) if (k in strings && typeof v === 'string') overrides[k] = v;
    },
    on: (name, fn) => {
      if (listeners[name] && typeof fn === 'function') listeners[name].push(fn);
      if (name === 'ready' && ready && typeof fn === 'function') fn();
    },
  };

  let ready = false;
  function heregoes(command, ...args) {
    const fn = Object.prototype.hasOwnProperty.call(api, command) ? api[command] : null;
    if (fn) return fn(...args);
    return undefined;
  }
  heregoes.loaded = true;
  window.heregoes = heregoes;

  function boot() {
    for (const args of queued) heregoes(...args);
    if (!built) build();
    document.addEventListener('keydown', on_key, true);
    // Any page element marked data-heregoes-open opens the chat, so pages need no script of their own.
    document.addEventListener('click', (e) => {
      const target = e.target instanceof Element && e.target.closest('[data-heregoes-open]');
      if (target) {
        e.preventDefault();
        open_panel();
      }
    });
    // A reload while the chat was open brings it back open, without taking focus from the page.
    if (state.open) open_panel({ focus: false });
    ready = true;
    emit('ready');
    window.dispatchEvent(new Event('heregoes:ready'));
  }

  if (document.body) boot();
  else document.addEventListener('DOMContentLoaded', boot);
})();
