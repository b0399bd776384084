// Session descriptions: the corpus validates, every kind of mistake is an
// error naming its path, and a seeded mutation fuzzer (20,000 mutants of
// the corpus) gets nothing out of validate() but a result or a
// DescriptionError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadWamix, instantiate, validateDescription, DescriptionError } from '../../js/node.js';
import { readParamTables } from '../../js/param-table.js';
import { mulberry32, ROOT, SEED } from './helpers.mjs';

const tables = readParamTables(instantiate(await loadWamix()));
const CORPUS = `${ROOT}tests/corpus/description/`;
const corpus = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(CORPUS + f, 'utf8')) }));
const validate = (d) => validateDescription(d, tables);

test('the corpus validates and normalises', () => {
  assert.ok(corpus.length >= 4);
  for (const { file, json } of corpus) assert.doesNotThrow(() => validate(structuredClone(json)), file);
  const full = validate(structuredClone(corpus.find((c) => c.file === 'full.json').json));
  assert.equal(full.sampleRate, 44100);
  const drums = full.tracks[0];
  const param = (name) => drums.params.find((p) => p.name === name);
  assert.equal(param('fader_db').value, -2);
  assert.equal(param('fader_db').id, tables.strip.find((p) => p.name === 'fader_db').id);
  assert.deepEqual([param('send0_db').value, param('send0_pre').value, param('send1_db').value, param('send1_pre').value],
    [-12, 0, -6, 1], 'sends become send parameters, by bus name or index');
  assert.equal(full.buses[0].params.find((p) => p.name === 'eq0_on').value, 1, 'true is 1 for a switch');
  assert.deepEqual(full.master.mixer.map((p) => [p.name, p.value]),
    [['limiter_on', 1], ['limiter_ceiling_db', -1], ['limiter_release_ms', 80]]);
  assert.deepEqual(full.automation[1].target, { kind: 'bus', index: 0 });
  assert.deepEqual(full.automation[0].events.map((e) => e.kind), [0, 1, 2, 3, 4]);
  assert.deepEqual(drums.clips[1], { file: 'drums.wav', start: 4, offset: 0, length: null, gainDb: 0, fadeIn: 0, fadeOut: 0,
    path: 'tracks[0].clips[1]' });
});

const base = () => structuredClone(corpus.find((c) => c.file === 'full.json').json);
const mistakes = [
  [(d) => { d.tracks[1].clips[0].start = -1; }, 'tracks[1].clips[0].start: must be a finite number >= 0, not -1'],
  [(d) => { d.tracks[0].clips[0].start = '0'; }, 'tracks[0].clips[0].start: must be a finite number >= 0'],
  [(d) => { delete d.tracks[0].clips[0].file; }, 'tracks[0].clips[0].file: required'],
  [(d) => { d.tracks[0].clips[0].gain = 1; }, 'tracks[0].clips[0].gain: unknown field'],
  [(d) => { d.tracks[0].clips[0].fade_in = 5; }, 'tracks[0].clips[0].fade_in: longer than the clip (4 s)'],
  [(d) => { d.tracks[0].clips[0].length = 0; }, 'tracks[0].clips[0].length: must be a finite number > 0, not 0'],
  [(d) => { d.tracks[0].params.fader_db = 20; }, 'tracks[0].params.fader_db: must be a finite number from -96 to 12, not 20'],
  [(d) => { d.tracks[0].params.fader = 0; }, 'tracks[0].params.fader: unknown parameter'],
  [(d) => { d.tracks[0].params.lowcut_slope = 24.5; }, 'tracks[0].params.lowcut_slope: must be a whole number, not 24.5'],
  [(d) => { d.tracks[0].params.send5_db = 0; }, 'tracks[0].params.send5_db: there are 2 buses'],
  [(d) => { d.tracks[0].params.send0_db = 0; }, 'tracks[0].sends: bus 0 is also set by params.send0_db'],
  [(d) => { d.tracks[0].sends[0].bus = 'hall'; }, 'tracks[0].sends[0].bus: no such bus "hall" (buses: "reverb", "parallel")'],
  [(d) => { d.tracks[0].channels = 3; }, 'tracks[0].channels: must be 1 or 2'],
  [(d) => { d.tracks[1].name = 'drums'; }, 'tracks[1].name: "drums" is used twice'],
  [(d) => { d.buses[0].params.send0_db = 0; }, 'buses[0].params.send0_db: a bus has no sends'],
  [(d) => { d.master.params.solo = 1; }, 'master.params.solo: the master has no solo'],
  [(d) => { d.master.limiter.ceiling_db = 3; }, 'master.limiter.ceiling_db: must be a finite number from -60 to 0, not 3'],
  [(d) => { d.master.limiter.knee = 3; }, 'master.limiter.knee: unknown field'],
  [(d) => { d.sampleRate = 4000; }, 'sampleRate: must be a finite number from 8000 to 384000, not 4000'],
  [(d) => { d.sampleRate = 44100.5; }, 'sampleRate: must be a whole number of Hz, not 44100.5'],
  [(d) => { d.duration = 1e9; }, 'duration: must be a finite number from 0 to 12173 (exclusive of 0)'],
  [(d) => { d.tracks = []; }, 'tracks: at least one track is needed'],
  [(d) => { d.tracks = {}; }, 'tracks: must be an array'],
  [(d) => { d.tracks[0] = null; }, 'tracks[0]: must be an object'],
  [(d) => { d.automation[0].target = 'track:vocals'; }, 'automation[0].target: no such strip "track:vocals"'],
  [(d) => { d.automation[0].param = 'nope'; }, 'automation[0].param: unknown parameter'],
  [(d) => { d.automation[0].events[0].type = 'ramp'; }, 'automation[0].events[0].type: must be one of setValueAtTime'],
  [(d) => { d.automation[0].events[2].value = 0; }, 'automation[0].events[2].value: an exponential ramp cannot reach 0'],
  [(d) => { d.automation[0].events[3].timeConstant = 0; }, 'automation[0].events[3].timeConstant: must be a finite number > 0'],
  [(d) => { d.automation[0].events[4].value = 1; }, 'automation[0].events[4].value: cancelScheduledValues takes no value'],
  [(d) => { d.automation[0].events[1].time = Infinity; }, 'automation[0].events[1].time: must be a finite number >= 0'],
  [(d) => { d.automation[0].events[1].value = 13; }, 'automation[0].events[1].value: must be a finite number from -96 to 12'],
  [(d) => { d.automation[2].param = 'send0_db'; }, 'automation[2].param: a master has no sends'],
  [(d) => { d.extra = 1; }, 'extra: unknown field'],
  [(d) => { delete d.duration; d.tracks.forEach((t) => { t.clips = []; }); }, 'duration: required when no track has a clip'],
];

test('every mistake is an error that names its path', () => {
  for (const [mutate, message] of mistakes) {
    const d = base();
    mutate(d);
    assert.throws(() => validate(d), (e) => {
      assert.ok(e instanceof DescriptionError, `${message}: a ${e.name}`);
      assert.ok(e.message.startsWith(message.replace(' (exclusive of 0)', '')), `got "${e.message}", expected "${message}"`);
      return true;
    });
  }
  for (const hostile of [null, 7, 'tracks', [], JSON.parse('{"__proto__": {"tracks": []}}')]) {
    assert.throws(() => validate(hostile), DescriptionError);
  }
});

/** A random JSON-ish value, hostile on purpose. */
function randomValue(random) {
  const pick = [null, true, false, 0, -0, -1, 1, 0.5, 1e308, -1e308, NaN, Infinity, 2 ** 53, '', 'x', 'track:0', 'master',
    'setTargetAtTime', [], {}, [1, 2], { file: 'a.wav', start: 0 }, '__proto__', 'constructor', 48000, 12, -96, 24];
  return structuredClone(pick[Math.floor(random() * pick.length)]);
}

/** Every (container, key) in a JSON tree. */
function slots(value, out = []) {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value, key]);
      slots(value[key], out);
    }
  }
  return out;
}

function mutate(d, random) {
  const all = slots(d);
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits && all.length; e++) {
    const [container, key] = all[Math.floor(random() * all.length)];
    const op = random();
    if (op < 0.35) container[key] = randomValue(random);
    else if (op < 0.5) delete container[key];
    else if (op < 0.6 && Array.isArray(container)) container.push(structuredClone(container[key]));
    else if (op < 0.7 && !Array.isArray(container)) container[`${key}x`] = container[key];
    else if (op < 0.8 && typeof container[key] === 'number') container[key] *= [-1, 1e6, 1e-6, 0.5][Math.floor(random() * 4)];
    else if (op < 0.9) container[key] = [container[key]];
    else if (!Array.isArray(container)) {
      Object.defineProperty(container, '__proto__', { value: randomValue(random), enumerable: true, configurable: true });
    }
  }
  return d;
}

test('20,000 mutated descriptions: a result or a DescriptionError, nothing else', () => {
  const random = mulberry32(SEED);
  const outcomes = { valid: 0, rejected: 0 };
  for (let i = 0; i < 20000; i++) {
    const d = mutate(structuredClone(corpus[i % corpus.length].json), random);
    try {
      validate(d);
      outcomes.valid++;
    } catch (error) {
      if (!(error instanceof DescriptionError)) {
        assert.fail(`mutant ${i} (SEED=${SEED}) threw ${error.stack}\n${JSON.stringify(d)}`);
      }
      assert.match(error.message, /^[\w.[\]]*: |^[a-z]/, 'the message starts with a path');
      outcomes.rejected++;
    }
  }
  console.log(`description fuzz: ${outcomes.valid} valid, ${outcomes.rejected} rejected cleanly (SEED=${SEED})`);
  assert.ok(outcomes.rejected > 5000 && outcomes.valid > 500, JSON.stringify(outcomes));
});
