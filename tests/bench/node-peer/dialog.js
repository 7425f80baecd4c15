// The Node peer's dialog runtime: loads a heregoes dialog graph and its strings for one locale,
// and runs sessions through it as a minimal state machine: say, choices, intents by regex, capture,
// no-match reprompts, next (plain or conditional), call/return, end, set and max_visits. It is
// what a team might write by hand for the same dialog file; it has no safety screening and keeps
// sessions only in memory, which the benchmark report states next to its numbers.

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileCondition } from './condition.js';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

// Default pacing from the format: clamp(300 + 30 ms x characters, 600, 3500).
const typingMs = (text) => Math.min(3500, Math.max(600, 300 + 30 * [...text].length));

// Lower-cased, straight quotes, runs of whitespace folded: what intents are matched against.
export const normalise = (text) =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

const always = () => true;

// The safety layer's one-line "where to get urgent help" (the help_note say item), made from
// <dialogs>/safety/messages/<locale>.json and the US entries of resources.json in the same way the
// engine fills it: emergency numbers, then the first crisis service. Null when the files are
// absent (a fixture dialog), in which case help_note items are left out.
function loadHelpLine(dir, locale, region = 'US') {
  const messagesPath = join(dir, 'safety', 'messages', `${locale}.json`);
  const resourcesPath = join(dir, 'safety', 'resources.json');
  if (!existsSync(messagesPath) || !existsSync(resourcesPath)) return null;
  const template = readJson(messagesPath).strings?.['safety.help_line'];
  const entries = readJson(resourcesPath).regions?.[region]?.entries ?? [];
  if (typeof template !== 'string') return null;
  const emergency = entries
    .filter((e) => e.role === 'emergency')
    .flatMap((e) => e.contacts.filter((c) => c.kind === 'call').map((c) => c.value));
  const crisis = entries.find((e) => e.role === 'crisis');
  return template
    .replace('{emergency}', emergency.join(' or '))
    .replace('{crisis_first}', crisis ? crisis.service : '');
}

// Loads dialogs/<id>.json and dialogs/strings/<locale>/<id>.json and precompiles every
// condition, regex and template, so a turn only walks prepared objects.
export function loadDialog(dir, id, locale, deployment = {}) {
  const graph = readJson(join(dir, `${id}.json`));
  const stringsDoc = readJson(join(dir, 'strings', locale, `${id}.json`));
  const deploymentValues = {};
  for (const [name, v] of Object.entries(graph.variables ?? {})) {
    if (v.from === 'deployment') deploymentValues[name] = deployment[name] ?? v.default ?? '';
  }
  const maxLength = {};
  for (const [name, v] of Object.entries(graph.variables ?? {})) {
    if (!v.from) maxLength[name] = v.max_length ?? 280;
  }
  // Deployment placeholders are filled now; session placeholders stay for turn time.
  const strings = {};
  for (const [key, value] of Object.entries(stringsDoc.strings ?? {})) {
    const text = typeof value === 'string' ? value : value.text;
    strings[key] = text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (all, name) =>
      name in deploymentValues ? deploymentValues[name] : all,
    );
  }
  const intents = {};
  for (const [name, patterns] of Object.entries(stringsDoc.intents ?? {})) {
    intents[name] = patterns.map((p) => new RegExp(p, 'iu'));
  }
  const helpNote = loadHelpLine(dir, locale);
  const cond = (text) => (text ? compileCondition(text) : always);
  const textOf = (key) => {
    if (!(key in strings)) throw new Error(`${id}: the text id "${key}" has no string in ${locale}`);
    return strings[key];
  };
  const states = {};
  for (const [sid, s] of Object.entries(graph.states)) {
    const say = [];
    for (const item of s.say ?? []) {
      if (typeof item === 'string') {
        say.push({ ids: [item], texts: [textOf(item)], when: always, flags: [] });
      } else if (item.help_note) {
        if (helpNote !== null) {
          say.push({ ids: ['safety.help_line'], texts: [helpNote], when: cond(item.if), flags: ['help_note'] });
        }
      } else {
        const ids = Array.isArray(item.text) ? item.text : [item.text];
        say.push({
          ids,
          texts: ids.map(textOf),
          when: cond(item.if),
          flags: item.flags ?? [],
          typing: item.typing_ms,
        });
      }
    }
    let next = null;
    if (typeof s.next === 'string') next = [{ when: always, goto: s.next }];
    else if (Array.isArray(s.next)) next = s.next.map((n) => ({ when: cond(n.if), goto: n.goto }));
    states[sid] = {
      id: sid,
      topic: s.topic,
      set: s.set ?? null,
      say,
      choices: (s.choices ?? []).map((c) => ({
        id: c.id,
        label: textOf(c.label),
        goto: c.goto,
        set: c.set ?? null,
        when: cond(c.if),
      })),
      intents: (s.intents ?? []).map((i) => ({ patterns: intents[i.intent] ?? [], goto: i.goto, set: i.set ?? null })),
      capture: s.capture ?? null,
      noMatch: s.no_match ?? graph.no_match ?? null,
      next,
      call: s.call ?? null,
      returns: s.return === true,
      end: s.end === true,
      maxVisits: s.max_visits ?? 0,
      onMaxVisits: s.on_max_visits ?? null,
    };
    const st = states[sid];
    st.waits = st.choices.length > 0 || st.intents.length > 0 || st.capture !== null;
  }
  const routes = (graph.routes ?? []).map((r) => ({
    patterns: intents[r.intent] ?? [],
    goto: r.goto ?? null,
    action: r.action ?? null,
    always: r.always === true,
  }));
  // Reprompt texts are checked now, so a turn never meets a missing string.
  for (const noMatch of [graph.no_match, ...Object.values(graph.states).map((s) => s.no_match)]) {
    for (const key of noMatch?.reprompts ?? []) textOf(key);
  }
  return { id, version: graph.version, locale, start: graph.start, states, routes, strings, deploymentValues, maxLength };
}

// Step bound for one turn: a graph that loops through `next` without waiting is a dialog bug; the
// peer stops the turn rather than spin (heregoes lint rejects such graphs).
const maxStepsPerTurn = 100;

// One person's place in a dialog.
export class DialogSession {
  constructor(dialog, seed) {
    this.dialog = dialog;
    this.seed = seed;
    this.seq = 0;
    this.reset();
  }

  reset() {
    this.state = null;
    this.vars = {};
    this.visits = {};
    this.stack = [];
    this.misses = 0;
  }

  lookup = (name) => {
    if (name === 'in_call') return this.stack.length > 0 ? 'yes' : '';
    return this.vars[name] ?? this.dialog.deploymentValues[name] ?? '';
  };

  render(text) {
    return text.includes('{{')
      ? text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (all, name) => this.lookup(name))
      : text;
  }

  message(state, id, text, flags, typing) {
    this.seq += 1;
    const rendered = this.render(text);
    return { seq: this.seq, topic: state.topic, id, text: rendered, choices: [], typing_ms: typing ?? typingMs(rendered), await: false, flags };
  }

  // Enters `target` and runs until a state waits or ends; returns the turn's messages.
  run(target, out = []) {
    let id = target;
    for (let step = 0; step < maxStepsPerTurn && id; step += 1) {
      let state = this.dialog.states[id];
      if (!state) throw new Error(`the state "${id}" does not exist`);
      const visits = (this.visits[id] ?? 0) + 1;
      if (state.maxVisits > 0 && visits > state.maxVisits && state.onMaxVisits) {
        id = state.onMaxVisits;
        continue;
      }
      this.visits[id] = visits;
      this.state = state;
      this.misses = 0;
      if (state.set) Object.assign(this.vars, state.set);
      for (const item of state.say) {
        if (!item.when(this.lookup)) continue;
        const pick = item.ids.length === 1 ? 0 : (this.seed + this.seq) % item.ids.length;
        out.push(this.message(state, item.ids[pick], item.texts[pick], item.flags, item.typing));
      }
      if (state.waits || state.end) break;
      if (state.next) {
        id = state.next.find((n) => n.when(this.lookup)).goto;
      } else if (state.call) {
        this.stack.push(state.call.return);
        id = state.call.state;
      } else if (state.returns) {
        id = this.stack.pop() ?? null;
      } else {
        break;
      }
    }
    if (out.length > 0) {
      const last = out[out.length - 1];
      last.await = true;
      const shown = this.state.choices.filter((c) => c.when(this.lookup));
      last.choices = shown.map((c) => ({ id: c.id, label: c.label }));
    }
    return out;
  }

  // Starts the dialog (or starts it over).
  start() {
    this.reset();
    return this.run(this.dialog.start);
  }

  // A quick reply; returns null when the id is not offered now.
  choose(choiceId) {
    const state = this.state;
    if (!state) return null;
    const choice = state.choices.find((c) => c.id === choiceId && c.when(this.lookup));
    if (!choice) return null;
    if (choice.set) Object.assign(this.vars, choice.set);
    return this.run(choice.goto);
  }

  // Free text: intents of the state, global routes, capture, then no-match. Returns
  // { messages } or { action: 'forget' }.
  say(raw) {
    const state = this.state;
    if (!state || state.end) return { messages: this.start() };
    const text = normalise(raw);
    const matches = (patterns) => patterns.some((p) => p.test(text));
    for (const intent of state.intents) {
      if (matches(intent.patterns)) {
        if (intent.set) Object.assign(this.vars, intent.set);
        return { messages: this.run(intent.goto) };
      }
    }
    for (const route of this.dialog.routes) {
      if (state.capture && !route.always) continue;
      if (!matches(route.patterns)) continue;
      if (route.action === 'restart') return { messages: this.start() };
      if (route.action === 'forget') return { action: 'forget' };
      this.stack = [];
      return { messages: this.run(route.goto) };
    }
    if (state.capture) {
      const limit = this.dialog.maxLength[state.capture.var] ?? 280;
      this.vars[state.capture.var] = [...raw].slice(0, limit).join('');
      return { messages: this.run(state.capture.goto) };
    }
    const noMatch = state.noMatch;
    if (noMatch && this.misses < noMatch.reprompts.length) {
      const key = noMatch.reprompts[this.misses];
      this.misses += 1;
      const msg = this.message(state, key, this.dialog.strings[key], [], undefined);
      msg.await = true;
      msg.choices = state.choices.filter((c) => c.when(this.lookup)).map((c) => ({ id: c.id, label: c.label }));
      return { messages: [msg] };
    }
    return { messages: this.run(noMatch ? noMatch.goto : this.dialog.start) };
  }
}
