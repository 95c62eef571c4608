/** Loads the spec fixtures in test/fixtures/<kind>/*.json (tests only). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type FixtureKind = 'valid' | 'invalid' | 'warnings';

const dir = (kind: FixtureKind) => fileURLToPath(new URL(`./fixtures/${kind}/`, import.meta.url));

/** Fixture names (file names without `.json`), sorted. */
export function fixtureNames(kind: FixtureKind): string[] {
  return readdirSync(dir(kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadFixture(kind: FixtureKind, name: string): unknown {
  return JSON.parse(readFileSync(`${dir(kind)}${name}.json`, 'utf8'));
}
