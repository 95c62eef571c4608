import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api';
import {
  canCancel,
  describeStatus,
  exportProblems,
  isNotConfigured,
  keepPolling,
  sqlFileName,
} from './flink';

describe('the Flink menu’s decisions', () => {
  it('names the download after the pipeline and its version', () => {
    expect(sqlFileName('word-count', 3)).toBe('word-count-v3.sql');
    expect(sqlFileName(' Fraud / alerts ', 1)).toBe('Fraud-alerts-v1.sql');
    expect(sqlFileName('', 2)).toBe('pipeline-v2.sql');
  });

  it('reads the problems of a refused export, each naming its node', () => {
    const refused = new ApiRequestError('flink-export-refused', 'cannot be exported', 422, {
      problems: [
        {
          code: 'nexmark-source',
          nodeId: 'bids',
          path: '/nodes/0/connector',
          message: 'no Nexmark connector',
        },
        { code: 'x', path: '', message: 'job-wide' },
      ],
    });
    expect(exportProblems(refused)).toEqual([
      { nodeId: 'bids', message: 'no Nexmark connector' },
      { nodeId: null, message: 'job-wide' },
    ]);
    expect(exportProblems(new ApiRequestError('version-not-found', 'no version 4', 404))).toBe(null);
    expect(exportProblems(new ApiRequestError('flink-export-refused', 'refused', 422))).toEqual([
      { nodeId: null, message: 'refused' },
    ]);
  });

  it('knows the not-configured refusal', () => {
    expect(isNotConfigured(new ApiRequestError('flink-not-configured', 'set it', 409))).toBe(true);
    expect(isNotConfigured(new ApiRequestError('operation-failed', 'no', 409))).toBe(false);
    expect(isNotConfigured(new Error('flink-not-configured'))).toBe(false);
  });

  it('polls while a deployment may change, and offers Cancel only for a job that runs', () => {
    expect(keepPolling([{ terminal: true }, { terminal: false }])).toBe(true);
    expect(keepPolling([{ terminal: true }])).toBe(false);
    expect(keepPolling([])).toBe(false);
    expect(canCancel({ terminal: false, flinkJobId: 'f0', status: 'RUNNING' })).toBe(true);
    expect(canCancel({ terminal: false, flinkJobId: 'f0', status: 'CANCELLING' })).toBe(false);
    expect(canCancel({ terminal: false, flinkJobId: null, status: 'SUBMITTING' })).toBe(false);
    expect(canCancel({ terminal: true, flinkJobId: 'f0', status: 'FINISHED' })).toBe(false);
  });

  it('says statuses in words with a tone', () => {
    expect(describeStatus('SUBMIT_FAILED')).toEqual({ label: 'submit failed', tone: 'bad' });
    expect(describeStatus('RUNNING')).toEqual({ label: 'running', tone: 'ok' });
    expect(describeStatus('FINISHED')).toEqual({ label: 'finished', tone: 'done' });
    expect(describeStatus('INITIALIZING')).toEqual({ label: 'initializing', tone: 'busy' });
    expect(describeStatus('CANCELED')).toEqual({ label: 'canceled', tone: 'muted' });
  });
});
