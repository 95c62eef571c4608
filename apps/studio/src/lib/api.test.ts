import { describe, expect, it } from 'vitest';
import { ApiRequestError, describeError, errorFromAnswer, uploadMediaType, uploadName } from './api';

describe('API errors', () => {
  it("keeps the server's code and message", () => {
    const e = errorFromAnswer(
      409,
      'Conflict',
      JSON.stringify({ error: { code: 'pipeline-in-use', message: 'stop its jobs first' } }),
    );
    expect(e).toBeInstanceOf(ApiRequestError);
    expect([e.code, e.status, e.message]).toEqual(['pipeline-in-use', 409, 'stop its jobs first']);
    expect(describeError(e)).toMatchObject({ title: 'Request refused', message: 'stop its jobs first' });
  });

  it('lists the problems of an invalid spec and the issues of an invalid request', () => {
    const spec = errorFromAnswer(
      422,
      '',
      JSON.stringify({
        error: {
          code: 'invalid-spec',
          message: 'the spec does not validate',
          details: {
            problems: [{ code: 'x', message: 'needs a keyBy upstream', nodeId: 'win', path: '/nodes/2' }],
          },
        },
      }),
    );
    expect(describeError(spec).items).toEqual(['win: needs a keyBy upstream']);
    const req = errorFromAnswer(
      400,
      '',
      JSON.stringify({
        error: {
          code: 'invalid-request',
          message: 'bad body',
          details: [{ path: 'body.name', message: 'too long' }],
        },
      }),
    );
    expect(describeError(req).items).toEqual(['body.name: too long']);
  });

  it('explains an answer that is not the API (the proxy could not reach the server)', () => {
    const e = errorFromAnswer(500, 'Internal Server Error', 'Internal Server Error');
    expect(e.code).toBe('network');
    expect(describeError(e).title).toBe('Server unreachable');
    expect(e.message).toMatch(/did not answer/);
    expect(errorFromAnswer(404, 'Not Found', '<html>').code).toBe('bad-answer');
  });
});

describe('uploads', () => {
  it('sends a file as the media type its extension says', () => {
    expect(['a.csv', 'b.jsonl', 'c.NDJSON', 'd.txt', 'e.parquet', 'noext'].map(uploadMediaType)).toEqual([
      'text/csv',
      'application/x-ndjson',
      'application/x-ndjson',
      'text/plain',
      'application/octet-stream',
      'application/octet-stream',
    ]);
  });

  it('names an upload as the server allows', () => {
    expect(uploadName('sales 2024 (final).csv')).toBe('sales-2024-final-.csv');
    expect(uploadName('C:\\data\\words.txt')).toBe('words.txt');
    expect(uploadName('.hidden')).toBe('hidden');
    expect(uploadName('___')).toBe('data.txt');
    expect(uploadName(`${'x'.repeat(200)}.txt`)).toHaveLength(128);
  });
});
