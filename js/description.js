/**
 * The session description: a plain JSON object that says what to render
 * offline (docs/offline.md has the format and an example). validate()
 * checks every field and returns a normalised copy; each error names the
 * path of the offending field (`tracks[2].clips[0].start: must be a finite
 * number >= 0`). Nothing here touches files or the WASM module: the
 * parameter tables are passed in (js/param-table.js reads them out of the
 * module).
 * @module
 */

/** A description that cannot be rendered; `path` names the field. */
export class DescriptionError extends Error {
  constructor(path, problem) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'DescriptionError';
    this.path = path;
  }
}

/** The automation event types (AudioParam's method names), in AUTOMATION order. */
export const EVENT_TYPES = Object.freeze(['setValueAtTime', 'linearRampToValueAtTime', 'exponentialRampToValueAtTime',
  'setTargetAtTime', 'cancelScheduledValues']);

export const LIMITS = Object.freeze({
  minRate: 8000, maxRate: 384000, maxTracks: 256, maxBuses: 16, maxClips: 4096, maxFrames: 2 ** 29,
  maxChannels: 2,
});

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (path, problem) => { throw new DescriptionError(path, problem); };
const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

function object(value, path) {
  if (!isObject(value)) fail(path, 'must be an object');
  return value;
}

function keys(value, path, allowed) {
  object(value, path);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${path ? `${path}.` : ''}${key}`, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
  return value;
}

function list(value, path, max) {
  if (!Array.isArray(value)) fail(path, 'must be an array');
  if (value.length > max) fail(path, `at most ${max} entries, not ${value.length}`);
  return Array.from(value); // a hole (possible in an object built in JavaScript) becomes undefined, and is refused
}

/** A finite number in [min, max] (max may be Infinity); `above`: strictly > min. */
function number(value, path, { min = -Infinity, max = Infinity, above = false } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `must be a finite number${bounds(min, max, above)}`);
  if (above ? value <= min : value < min) fail(path, `must be a finite number${bounds(min, max, above)}, not ${value}`);
  if (value > max) fail(path, `must be a finite number${bounds(min, max, above)}, not ${value}`);
  return value;
}

function bounds(min, max, above) {
  if (min === -Infinity && max === Infinity) return '';
  if (max === Infinity) return ` ${above ? '>' : '>='} ${min}`;
  if (min === -Infinity) return ` <= ${max}`;
  return ` from ${min} to ${max}`;
}

function string(value, path) {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  return value;
}

const optional = (object_, key, check, fallback) => (own(object_, key) ? check(object_[key]) : fallback);

/** One strip parameter's value, by the table's rules. */
function paramValue(info, value, path) {
  if (typeof value === 'boolean' && info.stepped && info.min === 0 && info.max === 1) return value ? 1 : 0;
  number(value, path, { min: info.min, max: info.max });
  if (info.stepped && !Number.isInteger(value)) fail(path, `must be a whole number, not ${value}`);
  return value;
}

/** Which strip parameters a kind of strip takes: buses do not send, the master neither sends nor solos. */
function allowedParam(kind, name, busCount) {
  const send = /^send(\d+)_/.exec(name);
  if (send) {
    if (kind !== 'track') return `a ${kind} has no sends`;
    if (Number(send[1]) >= busCount) return `there ${busCount === 1 ? 'is 1 bus' : `are ${busCount} buses`}`;
  }
  if (kind === 'master' && name.startsWith('solo')) return 'the master has no solo';
  return null;
}

function strip(kind, name, tables, busCount, path) {
  const info = tables.strip.find((p) => p.name === name);
  if (!info) fail(path, `unknown parameter (strip parameters are ${tables.strip.slice(0, 6).map((p) => p.name).join(', ')}, ...)`);
  const refused = allowedParam(kind, name, busCount);
  if (refused) fail(path, refused);
  return info;
}

function params(value, kind, tables, busCount, path) {
  object(value, path);
  return Object.keys(value).map((name) => {
    const info = strip(kind, name, tables, busCount, `${path}.${name}`);
    return { id: info.id, name, value: paramValue(info, value[name], `${path}.${name}`) };
  });
}

function clip(value, path) {
  keys(value, path, ['file', 'start', 'offset', 'length', 'gain_db', 'fade_in', 'fade_out']);
  const seconds = (key, fallback, options = { min: 0 }) => optional(value, key, (v) => number(v, `${path}.${key}`, options), fallback);
  if (!own(value, 'file')) fail(`${path}.file`, 'required');
  if (!own(value, 'start')) fail(`${path}.start`, 'required');
  const out = {
    file: string(value.file, `${path}.file`),
    start: seconds('start', 0),
    offset: seconds('offset', 0),
    length: seconds('length', null, { min: 0, above: true }),
    gainDb: seconds('gain_db', 0, { min: -96, max: 24 }),
    fadeIn: seconds('fade_in', 0),
    fadeOut: seconds('fade_out', 0),
    path,
  };
  for (const key of ['fade_in', 'fade_out']) {
    if (out.length !== null && value[key] > out.length) fail(`${path}.${key}`, `longer than the clip (${out.length} s)`);
  }
  return out;
}

/** `name` unique among `seen`, or a default. */
function uniqueName(value, fallback, seen, path) {
  const name = own(value, 'name') ? string(value.name, `${path}.name`) : fallback;
  if (seen.has(name)) fail(`${path}.name`, `${JSON.stringify(name)} is used twice`);
  seen.add(name);
  return name;
}

function sends(value, busNames, path) {
  return list(value, path, LIMITS.maxBuses).map((send, i) => {
    const at = `${path}[${i}]`;
    keys(send, at, ['bus', 'db', 'pre']);
    if (!own(send, 'bus')) fail(`${at}.bus`, 'required');
    const bus = busIndex(send.bus, busNames, `${at}.bus`);
    return {
      bus,
      db: optional(send, 'db', (v) => number(v, `${at}.db`, { min: -96, max: 12 }), 0),
      pre: optional(send, 'pre', (v) => (typeof v === 'boolean' ? v : fail(`${at}.pre`, 'must be true or false')), false),
    };
  });
}

function busIndex(value, busNames, path) {
  const index = typeof value === 'string' ? busNames.indexOf(value) : value;
  if (!Number.isInteger(index) || index < 0 || index >= busNames.length) {
    fail(path, `no such bus ${JSON.stringify(value)} (buses: ${busNames.map((n) => JSON.stringify(n)).join(', ') || 'none'})`);
  }
  return index;
}

function track(value, tables, busNames, seen, path, index) {
  keys(value, path, ['name', 'channels', 'clips', 'params', 'sends']);
  const out = {
    name: uniqueName(value, `track ${index + 1}`, seen, path),
    channels: optional(value, 'channels', (v) => (v === 1 || v === 2 ? v : fail(`${path}.channels`, 'must be 1 or 2')), 2),
    clips: optional(value, 'clips', (v) => list(v, `${path}.clips`, LIMITS.maxClips).map((c, i) => clip(c, `${path}.clips[${i}]`)), []),
    params: optional(value, 'params', (v) => params(v, 'track', tables, busNames.length, `${path}.params`), []),
  };
  for (const send of optional(value, 'sends', (v) => sends(v, busNames, `${path}.sends`), [])) {
    for (const [field, v] of [['db', send.db], ['pre', send.pre ? 1 : 0]]) {
      const name = `send${send.bus}_${field}`;
      if (out.params.some((p) => p.name === name)) fail(`${path}.sends`, `bus ${send.bus} is also set by params.${name}`);
      out.params.push({ id: tables.strip.find((p) => p.name === name).id, name, value: v });
    }
  }
  return out;
}

function master(value, tables, path) {
  keys(value, path, ['params', 'limiter']);
  const out = { params: optional(value, 'params', (v) => params(v, 'master', tables, 0, `${path}.params`), []), mixer: [] };
  if (own(value, 'limiter')) {
    const limiter = keys(value.limiter, `${path}.limiter`, ['on', 'ceiling_db', 'release_ms']);
    for (const key of Object.keys(limiter)) {
      const info = tables.mixer.find((p) => p.name === `limiter_${key}`);
      out.mixer.push({ id: info.id, name: info.name, value: paramValue(info, limiter[key], `${path}.limiter.${key}`) });
    }
  }
  return out;
}

/** "master", "track:<name or index>" or "bus:<name or index>" (a name first). */
function target(value, tracks, buses, path) {
  string(value, path);
  if (value === 'master') return { kind: 'master', index: 0 };
  const match = /^(track|bus):(.+)$/.exec(value);
  if (match) {
    const names = (match[1] === 'track' ? tracks : buses).map((s) => s.name);
    let index = names.indexOf(match[2]);
    if (index < 0 && /^\d+$/.test(match[2]) && Number(match[2]) < names.length) index = Number(match[2]);
    if (index >= 0) return { kind: match[1], index };
  }
  return fail(path, `no such strip ${JSON.stringify(value)} (write "master", "track:<name or index>" or "bus:<name or index>")`);
}

function event(value, info, path) {
  keys(value, path, ['type', 'time', 'value', 'timeConstant']);
  const type = own(value, 'type') ? value.type : undefined;
  const kind = EVENT_TYPES.indexOf(type);
  if (kind < 0) fail(`${path}.type`, `must be one of ${EVENT_TYPES.join(', ')}`);
  if (!own(value, 'time')) fail(`${path}.time`, 'required');
  const out = { type, kind, time: number(value.time, `${path}.time`, { min: 0 }), value: 0, timeConstant: 0 };
  if (type !== 'cancelScheduledValues') {
    if (!own(value, 'value')) fail(`${path}.value`, 'required');
    out.value = number(value.value, `${path}.value`, { min: info.min, max: info.max });
    if (type === 'exponentialRampToValueAtTime' && out.value === 0) fail(`${path}.value`, 'an exponential ramp cannot reach 0');
  } else if (own(value, 'value')) fail(`${path}.value`, 'cancelScheduledValues takes no value');
  if (type === 'setTargetAtTime') {
    if (!own(value, 'timeConstant')) fail(`${path}.timeConstant`, 'required');
    out.timeConstant = number(value.timeConstant, `${path}.timeConstant`, { min: 0, above: true });
  } else if (own(value, 'timeConstant')) fail(`${path}.timeConstant`, `only setTargetAtTime takes one`);
  return out;
}

function lane(value, tables, tracks, buses, path) {
  keys(value, path, ['target', 'param', 'events']);
  for (const key of ['target', 'param', 'events']) if (!own(value, key)) fail(`${path}.${key}`, 'required');
  const where = target(value.target, tracks, buses, `${path}.target`);
  const info = strip(where.kind, string(value.param, `${path}.param`), tables, buses.length, `${path}.param`);
  const events = list(value.events, `${path}.events`, 100000).map((e, i) => event(e, info, `${path}.events[${i}]`));
  return { target: where, param: { id: info.id, name: info.name }, events, path };
}

/**
 * Checks a description and returns it normalised: times in seconds,
 * parameters as {id, name, value}, sends as send parameters, defaults
 * filled in, each clip with its `path` for later errors.
 * @param {unknown} description parsed JSON
 * @param {{strip: {id: number, name: string, min: number, max: number, stepped: boolean}[], mixer: object[]}} tables
 * @throws {DescriptionError}
 */
export function validate(description, tables) {
  keys(description, '', ['name', 'sampleRate', 'duration', 'tracks', 'buses', 'master', 'automation']);
  const d = description;
  const sampleRate = optional(d, 'sampleRate', (v) => number(v, 'sampleRate', { min: LIMITS.minRate, max: LIMITS.maxRate }), 48000);
  if (!Number.isInteger(sampleRate)) fail('sampleRate', `must be a whole number of Hz, not ${sampleRate}`);
  const maxSeconds = Math.floor(LIMITS.maxFrames / sampleRate);
  const duration = optional(d, 'duration', (v) => number(v, 'duration', { min: 0, max: maxSeconds, above: true }), null);
  const seenBuses = new Set();
  const buses = optional(d, 'buses', (v) => list(v, 'buses', LIMITS.maxBuses), []).map((bus, i) => {
    keys(bus, `buses[${i}]`, ['name', 'params']);
    return { name: uniqueName(bus, `bus ${i + 1}`, seenBuses, `buses[${i}]`), params: [] };
  });
  const busNames = buses.map((b) => b.name);
  d.buses?.forEach((bus, i) => {
    if (own(bus, 'params')) buses[i].params = params(bus.params, 'bus', tables, buses.length, `buses[${i}].params`);
  });
  if (!own(d, 'tracks')) fail('tracks', 'required');
  const seenTracks = new Set();
  const tracks = list(d.tracks, 'tracks', LIMITS.maxTracks).map((t, i) => track(t, tables, busNames, seenTracks, `tracks[${i}]`, i));
  if (tracks.length === 0) fail('tracks', 'at least one track is needed');
  const out = {
    name: optional(d, 'name', (v) => string(v, 'name'), null),
    sampleRate,
    duration,
    tracks,
    buses,
    master: optional(d, 'master', (v) => master(v, tables, 'master'), { params: [], mixer: [] }),
    automation: optional(d, 'automation', (v) => list(v, 'automation', 65536), [])
      .map((a, i) => lane(a, tables, tracks, buses, `automation[${i}]`)),
  };
  if (duration === null && !tracks.some((t) => t.clips.length)) fail('duration', 'required when no track has a clip');
  return out;
}
