import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STUDIO_ORIGINS, EnvError, loadEnv, REPO_ROOT } from '../src/env';

describe('loadEnv', () => {
  it('defaults: loopback, port 4000, .flowstate at the repo root, the studio on port 3000, no token', () => {
    const env = loadEnv({});
    expect(env).toEqual({
      dataDir: path.join(REPO_ROOT, '.flowstate'),
      databaseUrl: undefined,
      host: '127.0.0.1',
      port: 4000,
      token: undefined,
      studioOrigins: DEFAULT_STUDIO_ORIGINS,
      allowedHosts: [],
      fileRoots: [],
      jobMemoryMb: 1024,
      maxRunningJobs: 8,
      uploadMaxBytes: 100 * 1024 * 1024,
      filesMaxBytes: 2 * 1024 ** 3,
      flinkGateway: undefined,
      flinkDashboard: undefined,
      outputKeepRows: 1000,
    });
  });

  it('reads every variable; blank ones count as unset', () => {
    const env = loadEnv({
      FLOWSTATE_DATA_DIR: '/var/lib/flowstate',
      DATABASE_URL: 'file:/tmp/x.db',
      HOST: '0.0.0.0',
      PORT: '8080',
      FLOWSTATE_TOKEN: 'a-long-token',
      FLOWSTATE_STUDIO_ORIGIN: 'https://studio.example, http://localhost:5173',
    });
    expect(env).toMatchObject({
      dataDir: '/var/lib/flowstate',
      databaseUrl: 'file:/tmp/x.db',
      host: '0.0.0.0',
      port: 8080,
      token: 'a-long-token',
      studioOrigins: ['https://studio.example', 'http://localhost:5173'],
    });
    expect(loadEnv({ FLOWSTATE_TOKEN: '  ', PORT: '' })).toMatchObject({ token: undefined, port: 4000 });
  });

  it('names every bad variable', () => {
    const bad = () =>
      loadEnv({
        PORT: 'eighty',
        FLOWSTATE_TOKEN: 'short',
        FLOWSTATE_STUDIO_ORIGIN: 'http://localhost:3000/app',
      });
    expect(bad).toThrow(EnvError);
    expect(bad).toThrow(/PORT: PORT must be a number/);
    expect(bad).toThrow(/FLOWSTATE_TOKEN: .*at least 8/);
    expect(bad).toThrow(/FLOWSTATE_STUDIO_ORIGIN.*no path/);
    expect(() => loadEnv({ PORT: '70000' })).toThrow(/between 0 and 65535/);
  });

  it('takes a Flink SQL Gateway and dashboard as http(s) URLs (trailing slashes dropped), and says what is wrong', () => {
    expect(
      loadEnv({
        FLOWSTATE_FLINK_GATEWAY: 'http://127.0.0.1:8083/',
        FLOWSTATE_FLINK_DASHBOARD: 'https://flink.example:8081',
      }),
    ).toMatchObject({ flinkGateway: 'http://127.0.0.1:8083', flinkDashboard: 'https://flink.example:8081' });
    expect(loadEnv({ FLOWSTATE_FLINK_GATEWAY: ' ' })).toMatchObject({ flinkGateway: undefined });
    expect(() => loadEnv({ FLOWSTATE_FLINK_GATEWAY: '127.0.0.1:8083' })).toThrow(
      'FLOWSTATE_FLINK_GATEWAY: FLOWSTATE_FLINK_GATEWAY must be an http(s) URL without credentials, query or fragment (e.g. http://127.0.0.1:8083)',
    );
    expect(() => loadEnv({ FLOWSTATE_FLINK_GATEWAY: 'http://user:pw@host:8083' })).toThrow(
      /FLOWSTATE_FLINK_GATEWAY: .*without credentials/,
    );
    expect(() => loadEnv({ FLOWSTATE_FLINK_DASHBOARD: 'http://127.0.0.1:8081' })).toThrow(
      'FLOWSTATE_FLINK_DASHBOARD: FLOWSTATE_FLINK_DASHBOARD needs FLOWSTATE_FLINK_GATEWAY',
    );
  });
});
