import { describe, expect, it } from 'vitest';
import { KeyGroupRange, ValueStateDescriptor, VOID_NAMESPACE } from '../state/index';
import { newBackend } from '../state/test-support';
import {
  binaryStateFileContent,
  parseBinarySections,
  parseSections,
  type StateFileContent,
  type StateFileHeader,
  stateFileContent,
} from './state-file';

/**
 * Writes a state's file content into one buffer as a file would hold it; returns the header line and each
 * section's bytes (split at `sectionOffsets` when a section was written as several chunks).
 */
function assemble(content: StateFileContent) {
  const enc = new TextEncoder();
  const parts = [...content.chunks].map((c) => (typeof c === 'string' ? enc.encode(c) : c.slice()));
  const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const starts: number[] = [];
  let at = 0;
  for (const p of parts) {
    starts.push(at);
    file.set(p, at);
    at += p.length;
  }
  const offsets = content.sectionOffsets ?? starts.slice(1);
  const sections = offsets.map((o, i) => file.slice(o, offsets[i + 1] ?? file.length));
  return {
    header: new TextDecoder().decode(file.subarray(0, offsets[0] ?? file.length)).trimEnd(),
    sections,
  };
}

function backendWithState() {
  const { backend } = newBackend({ maxParallelism: 8 });
  const acc = backend.getStateTable(new ValueStateDescriptor<number[]>('acc'));
  const win = backend.getStateTable(new ValueStateDescriptor<{ c: number; s: string }>('win'));
  for (let i = 0; i < 200; i++) acc.put(i, VOID_NAMESPACE, [i, i * 0.5]);
  for (let i = 0; i < 30; i++) win.put(`user-${i}`, 1000 * (i % 3), { c: i, s: 'ü'.repeat(i % 4) });
  return backend;
}

const timers = {
  maxParallelism: 8,
  eventTime: [[3, [{ key: 'user-1', ns: 1000, time: 5000 }]]] as never,
  processingTime: [] as never,
};

describe('state file format 2 (binary sections)', () => {
  it('round-trips an encoded snapshot and its timers, and reads only the key groups of a range', () => {
    const backend = backendWithState();
    const expected = backend.snapshot(1).result();
    const snap = backend.snapshot(2);
    while (!snap.encodeStep!(17)) {}
    const content = binaryStateFileContent('agg', 0, snap.encoded!(), timers);
    const { header, sections } = assemble(content);
    expect((JSON.parse(header) as StateFileHeader).format).toBe(2);
    expect(content.keyGroups).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sections).toHaveLength(8);
    const all = parseBinarySections('f', header, sections, KeyGroupRange.of(0, 7));
    expect(all.keyed).toEqual(expected);
    expect(all.timers.eventTime).toEqual([[3, [{ key: 'user-1', ns: 1000, time: 5000 }]]]);
    // windowed state: one namespace per entry where a key group holds several
    const winStates = all.keyed.states.find((s) => s.name === 'win')!;
    expect(winStates.byKeyGroup.some(([, e]) => !Array.isArray(e) && e.namespaces !== undefined)).toBe(true);
    // a rescaled subtask reads its key groups only
    const part = parseBinarySections('f', header, sections, KeyGroupRange.of(2, 3));
    expect(part.keyed.states[0]!.byKeyGroup.map(([g]) => g)).toEqual([2, 3]);
    expect(part.keyed.states[0]!.byKeyGroup).toEqual(expected.states[0]!.byKeyGroup.slice(2, 4));
  });

  it('detects a damaged section', () => {
    const backend = backendWithState();
    const snap = backend.snapshot(1);
    const { header, sections } = assemble(binaryStateFileContent('agg', 0, snap.encoded!(), undefined));
    const range = KeyGroupRange.of(0, 7);
    const cut = sections.map((s, i) => (i === 2 ? s.subarray(0, s.length - 3) : s));
    expect(() => parseBinarySections('op-agg-0.state', header, cut, range)).toThrow(
      /op-agg-0.state: section 3 is malformed/,
    );
    const badTag = sections.map((s) => s.slice());
    badTag[0]![0] = 0x7b; // not the section marker
    expect(() => parseBinarySections('op-agg-0.state', header, badTag, range)).toThrow(
      /section 1 is malformed/,
    );
    const extra = sections.map((s, i) => (i === 1 ? new Uint8Array([...s, 0]) : s));
    expect(() => parseBinarySections('op-agg-0.state', header, extra, range)).toThrow(/trailing bytes/);
  });

  it('still reads format 1 (JSON lines), and each reader refuses the other format', () => {
    const backend = backendWithState();
    const data = backend.snapshot(1).result();
    const { header, sections } = assemble(stateFileContent('agg', 0, data, timers));
    expect((JSON.parse(header) as StateFileHeader).format).toBe(1);
    const lines = sections.map((s) => new TextDecoder().decode(s));
    const parsed = parseSections('f', header, lines, KeyGroupRange.of(0, 7));
    expect(parsed.keyed).toEqual(data);
    expect(() => parseBinarySections('f', header, [], KeyGroupRange.of(0, 7))).toThrow(/not binary/);
    const bin = assemble(binaryStateFileContent('agg', 0, backend.snapshot(2).encoded!(), undefined));
    expect(() => parseSections('f', bin.header, [], KeyGroupRange.of(0, 7))).toThrow(/binary, not lines/);
  });
});
