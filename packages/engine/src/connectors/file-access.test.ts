import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateSpec } from '@flowstate/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confinedFileAccess, FileAccessError, openFileAccess, specFileProblems } from './file-access';

let top: string;
let data: string;
let examples: string;
let outside: string;

beforeAll(() => {
  top = mkdtempSync(path.join(tmpdir(), 'flowstate-access-'));
  data = path.join(top, 'data');
  examples = path.join(top, 'examples');
  outside = path.join(top, 'outside');
  for (const d of [data, path.join(data, 'checkpoints'), examples, outside])
    mkdirSync(d, { recursive: true });
  writeFileSync(path.join(data, 'in.txt'), 'a\n');
  writeFileSync(path.join(data, 'flowstate.db'), '');
  writeFileSync(path.join(examples, 'words.txt'), 'b\n');
  writeFileSync(path.join(outside, 'secret.txt'), 'c\n');
  symlinkSync(path.join(outside, 'secret.txt'), path.join(data, 'link.txt'));
  symlinkSync(outside, path.join(data, 'linkdir'));
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

const access = () =>
  confinedFileAccess({
    baseDir: data,
    roots: [
      { dir: data, writable: true, label: 'the data directory' },
      { dir: examples, writable: false, label: 'the examples' },
    ],
    deny: [
      { path: path.join(data, 'flowstate.db'), what: "the server's database" },
      { path: path.join(data, 'checkpoints'), what: "the server's checkpoint directory" },
    ],
  });

function refusal(p: string, mode: 'read' | 'write'): string {
  try {
    access().resolve(p, mode);
  } catch (e) {
    expect(e).toBeInstanceOf(FileAccessError);
    return (e as Error).message.replaceAll(top, '<top>');
  }
  throw new Error(`${p} was allowed`);
}

describe('confinedFileAccess', () => {
  it('allows relative and absolute paths inside the roots, resolving them', () => {
    expect(access().resolve('in.txt', 'read')).toBe(path.join(data, 'in.txt'));
    expect(access().resolve(path.join(examples, 'words.txt'), 'read')).toBe(path.join(examples, 'words.txt'));
    // a sink directory that does not exist yet is judged by where it would be
    expect(access().resolve('out/run-1', 'write')).toBe(path.join(data, 'out', 'run-1'));
  });

  it('refuses absolute paths outside the roots and .. escapes', () => {
    expect(refusal('/etc/passwd', 'read')).toBe(
      '"/etc/passwd" is outside the directories this server lets jobs use (the data directory, the examples (read-only)); upload the file or add a root to FLOWSTATE_FILE_ROOTS',
    );
    expect(refusal('../outside/secret.txt', 'read')).toMatch(/^"\.\.\/outside\/secret\.txt" is outside/);
    expect(refusal('../../../tmp/y', 'write')).toMatch(/^"\.\.\/\.\.\/\.\.\/tmp\/y" is outside/);
  });

  it('follows symlinks: a link inside a root to a file outside is refused', () => {
    expect(refusal('link.txt', 'read')).toBe(
      '"link.txt" (<top>/outside/secret.txt) is outside the directories this server lets jobs use (the data directory, the examples (read-only)); upload the file or add a root to FLOWSTATE_FILE_ROOTS',
    );
    expect(refusal('linkdir/new-output', 'write')).toMatch(
      /^"linkdir\/new-output" \(<top>\/outside\/new-output\) is outside/,
    );
  });

  it('refuses the database and the checkpoint directory, and writing into a read-only root', () => {
    expect(refusal('flowstate.db', 'read')).toBe(
      '"flowstate.db" is the server\'s database: a job may not read or write it',
    );
    expect(refusal('checkpoints/job-1/chk-3', 'write')).toBe(
      '"checkpoints/job-1/chk-3" is the server\'s checkpoint directory: a job may not read or write it',
    );
    expect(refusal(path.join(examples, 'out'), 'write')).toBe(
      `"${path.join(examples, 'out').replaceAll(top, '<top>')}" is in the examples, which jobs may only read`,
    );
  });

  it('refuses devices even inside a root', () => {
    const devRoot = confinedFileAccess({ baseDir: '/dev', roots: [{ dir: '/dev', writable: true }] });
    expect(() => devRoot.resolve('/dev/zero', 'read')).toThrow(
      '"/dev/zero" is a device: only regular files and directories can be used',
    );
    expect(() => devRoot.resolve('/dev/null', 'write')).toThrow(
      '"/dev/null" is a device: only regular files and directories can be used',
    );
  });
});

describe('openFileAccess', () => {
  it('resolves relative paths against its base and refuses nothing', () => {
    const a = openFileAccess('/base');
    expect(a.resolve('x/y.txt', 'read')).toBe('/base/x/y.txt');
    expect(a.resolve('/etc/passwd', 'read')).toBe('/etc/passwd');
  });
});

describe('specFileProblems', () => {
  it('names the node and the JSON path of each refused path', () => {
    const r = validateSpec({
      specVersion: 1,
      name: 'x',
      nodes: [
        { id: 'ok', kind: 'source', connector: { type: 'file', path: 'in.txt', format: 'text' } },
        { id: 'pw', kind: 'source', connector: { type: 'file', path: '/etc/passwd', format: 'text' } },
        { id: 'out', kind: 'sink', connector: { type: 'file', path: '../escape', format: 'jsonl' } },
        { id: 'c', kind: 'sink', connector: { type: 'collect' } },
      ],
      edges: [
        { from: 'ok', to: 'c' },
        { from: 'pw', to: 'out' },
      ],
    });
    expect(r.ok).toBe(true);
    const problems = specFileProblems(r.spec!, access());
    expect(problems.map((p) => [p.code, p.nodeId, p.path])).toEqual([
      ['path-not-allowed', 'pw', '/nodes/1/connector/path'],
      ['path-not-allowed', 'out', '/nodes/2/connector/path'],
    ]);
    expect(problems[0]!.message).toMatch(/^source 'pw': "\/etc\/passwd" is outside/);
  });
});
