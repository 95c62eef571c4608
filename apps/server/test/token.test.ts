/** With FLOWSTATE_TOKEN set, REST (health excepted) needs the bearer token and sockets need auth.token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, openSocket, startServer, type TestServer, tempDataDir } from './test-support';

const TOKEN = 'correct-horse-battery';

describe('token mode', () => {
  const data = tempDataDir();
  let t: TestServer;

  beforeAll(async () => {
    t = await startServer(data.dir, { FLOWSTATE_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const none = await t.api.get('/api/pipelines', { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/Bearer/) });
    const wrong = await t.api.get('/api/jobs', { token: 'not-the-token' });
    expect(wrong.status).toBe(401);
    const post = await t.api.post('/api/validate', { spec: {} }, { token: null });
    expect(post.status).toBe(401);
    const docs = await t.api.get('/api/openapi.json', { token: null });
    expect(docs.status).toBe(401);
  });

  it('serves with the token; health needs none', async () => {
    expect((await t.api.get('/api/pipelines')).status).toBe(200);
    const health = await t.api.get('/api/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body.ok).toBe(true);
  });

  it('refuses a socket without auth.token and accepts one with it', async () => {
    await expect(openSocket(t.url)).rejects.toThrow(/unauthorized/);
    await expect(openSocket(t.url, { token: 'wrong-token-value' })).rejects.toThrow(/unauthorized/);
    const s = await openSocket(t.url, { token: TOKEN });
    expect(await ask(s, 'job:subscribe', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'job-not-found' },
    });
    s.close();
  });
});
