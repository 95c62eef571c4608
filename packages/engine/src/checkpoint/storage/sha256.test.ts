import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from './sha256';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('Sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    const enc = new TextEncoder();
    expect(sha256Hex(enc.encode(''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Hex(enc.encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto for every length around the block and padding boundaries', () => {
    const data = randomBytes(300);
    for (let n = 0; n <= 300; n++)
      expect(sha256Hex(data.subarray(0, n)), `length ${n}`).toBe(node(data.subarray(0, n)));
  });

  it('gives the same digest however the input is split into updates (seeded)', () => {
    const data = randomBytes(100_000);
    let seed = 12345;
    const rand = (max: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % max;
    };
    for (let round = 0; round < 20; round++) {
      const h = new Sha256();
      for (let at = 0; at < data.length; ) {
        const n = Math.min(data.length - at, rand(round % 2 === 0 ? 130 : 20_000));
        h.update(data.subarray(at, at + n));
        at += n;
      }
      expect(h.digestHex()).toBe(node(data));
    }
  });

  it('refuses to be used after the digest', () => {
    const h = new Sha256().update(new Uint8Array(3));
    h.digestHex();
    expect(() => h.update(new Uint8Array(1))).toThrow(/after digestHex/);
    expect(() => h.digestHex()).toThrow(/twice/);
  });
});
