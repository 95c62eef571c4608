import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_URL, examplesDir, serverUrl } from './env';

describe('env', () => {
  it('defaults the server URL and normalises it to an origin', () => {
    expect(serverUrl({})).toBe(DEFAULT_SERVER_URL);
    expect(serverUrl({ FLOWSTATE_SERVER_URL: ' ' })).toBe(DEFAULT_SERVER_URL);
    expect(serverUrl({ FLOWSTATE_SERVER_URL: 'http://127.0.0.1:4123/' })).toBe('http://127.0.0.1:4123');
  });

  it('refuses a server URL that is not an http origin, saying which variable', () => {
    expect(() => serverUrl({ FLOWSTATE_SERVER_URL: 'nope' })).toThrow(/FLOWSTATE_SERVER_URL/);
    expect(() => serverUrl({ FLOWSTATE_SERVER_URL: 'ftp://x' })).toThrow(/http/);
    expect(() => serverUrl({ FLOWSTATE_SERVER_URL: 'http://x:1/api' })).toThrow(/without a path/);
  });

  it('finds the examples beside the studio unless told otherwise', () => {
    expect(examplesDir({}, '/repo/apps/studio')).toBe('/repo/examples');
    expect(examplesDir({ FLOWSTATE_EXAMPLES_DIR: '/x/y' }, '/repo/apps/studio')).toBe('/x/y');
  });
});
