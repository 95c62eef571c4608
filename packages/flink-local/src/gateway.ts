import { z } from 'zod';

/**
 * A typed client of Flink's SQL Gateway REST API (the `rest` endpoint, API version v2: v2 added
 * `rowFormat=JSON` results). Every answer is checked with zod; an error answer throws FlinkGatewayError.
 * Names follow the REST API: openSession, configureSession, executeStatement, getOperationStatus,
 * fetchResults, closeSession.
 */

export const OperationStatus = z.enum([
  'INITIALIZED',
  'PENDING',
  'RUNNING',
  'FINISHED',
  'CANCELED',
  'CLOSED',
  'ERROR',
  'TIMEOUT',
]);
export type OperationStatus = z.infer<typeof OperationStatus>;

const SessionHandleBody = z.object({ sessionHandle: z.string() });
const OperationHandleBody = z.object({ operationHandle: z.string() });
const StatusBody = z.object({ status: z.string() });
const OperationStatusBody = z.object({ status: OperationStatus });
export const GatewayInfo = z.object({ productName: z.string(), version: z.string() });
export type GatewayInfo = z.infer<typeof GatewayInfo>;
const SessionConfigBody = z.object({ properties: z.record(z.string(), z.string()) });
const ErrorBody = z.object({ errors: z.array(z.string()) });

export const ResultColumn = z.object({
  name: z.string(),
  logicalType: z.looseObject({ type: z.string(), nullable: z.boolean().optional() }),
  comment: z.string().nullable().optional(),
});
export type ResultColumn = z.infer<typeof ResultColumn>;

/** One row in `rowFormat=JSON`: its RowKind and its fields as JSON values. */
export const ResultRow = z.object({
  kind: z.enum(['INSERT', 'UPDATE_BEFORE', 'UPDATE_AFTER', 'DELETE']),
  fields: z.array(z.unknown()),
});
export type ResultRow = z.infer<typeof ResultRow>;

export const FetchResultsBody = z.object({
  /** NOT_READY: ask the same token again later; PAYLOAD: rows (maybe none) and a next token; EOS: the end. */
  resultType: z.enum(['NOT_READY', 'PAYLOAD', 'EOS']),
  isQueryResult: z.boolean().optional(),
  /** The Flink job the statement started (INSERT, statement set, SELECT), when it started one. */
  jobID: z.string().nullable().optional(),
  resultKind: z.enum(['SUCCESS', 'SUCCESS_WITH_CONTENT']).optional(),
  results: z
    .object({
      columns: z.array(ResultColumn).default([]),
      rowFormat: z.string().optional(),
      data: z.array(ResultRow).default([]),
    })
    .optional(),
  nextResultUri: z.string().nullable().optional(),
});
export type FetchResultsBody = z.infer<typeof FetchResultsBody>;

/** An error answer of the gateway. `rootCause` is the innermost "Caused by:" of the server's stack trace. */
export class FlinkGatewayError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly errors: readonly string[],
  ) {
    super(message);
    this.name = 'FlinkGatewayError';
  }

  get rootCause(): string {
    return rootCauseOf(this.errors.join('\n')) ?? this.message;
  }
}

/** The last "Caused by: X: message" line of a Java stack trace (the root cause), without the prefix. */
export function rootCauseOf(stackTrace: string): string | undefined {
  const causes = stackTrace.split('\n').filter((l) => l.trimStart().startsWith('Caused by:'));
  const last = causes.at(-1);
  return last?.trim().replace(/^Caused by:\s*/, '');
}

export interface OpenSessionOptions {
  /** Session configuration (`SET` keys): execution.runtime-mode, parallelism.default, … */
  properties?: Record<string, string>;
  sessionName?: string;
}

export interface FetchAllOptions {
  timeoutMs?: number;
  /** Wait between NOT_READY answers (default 100 ms). */
  pollMs?: number;
}

export interface StatementResult {
  jobId?: string;
  columns: ResultColumn[];
  rows: ResultRow[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FlinkGatewayClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, '');
  }

  private async request<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new FlinkGatewayError(
        `${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`,
        res.status,
        [text],
      );
    }
    if (!res.ok) {
      const errors = ErrorBody.safeParse(json);
      const list = errors.success ? errors.data.errors : [text];
      const cause = rootCauseOf(list.join('\n'));
      throw new FlinkGatewayError(
        `${method} ${path}: HTTP ${res.status}: ${cause ?? list[0] ?? 'no error text'}`,
        res.status,
        list,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `${method} ${path}: unexpected answer from the SQL Gateway: ${parsed.error.message}\n${text}`,
      );
    }
    return parsed.data;
  }

  getInfo(): Promise<GatewayInfo> {
    return this.request('GET', '/v2/info', GatewayInfo);
  }

  async openSession(options: OpenSessionOptions = {}): Promise<string> {
    const body = await this.request('POST', '/v2/sessions', SessionHandleBody, {
      properties: options.properties ?? {},
      ...(options.sessionName ? { sessionName: options.sessionName } : {}),
    });
    return body.sessionHandle;
  }

  async getSessionConfig(session: string): Promise<Record<string, string>> {
    return (await this.request('GET', `/v2/sessions/${session}`, SessionConfigBody)).properties;
  }

  /**
   * Runs a configuring statement (SET, RESET, CREATE …, USE …) synchronously in the session. (The REST body's
   * `executionTimeout` is not sent: Flink 2.3's service answers it with "doesn't support timeout mechanism".)
   */
  async configureSession(session: string, statement: string): Promise<void> {
    await this.request('POST', `/v2/sessions/${session}/configure-session`, z.object({}), { statement });
  }

  async executeStatement(
    session: string,
    statement: string,
    executionConfig?: Record<string, string>,
  ): Promise<string> {
    const body = await this.request('POST', `/v2/sessions/${session}/statements`, OperationHandleBody, {
      statement,
      ...(executionConfig ? { executionConfig } : {}),
    });
    return body.operationHandle;
  }

  async getOperationStatus(session: string, operation: string): Promise<OperationStatus> {
    return (
      await this.request('GET', `/v2/sessions/${session}/operations/${operation}/status`, OperationStatusBody)
    ).status;
  }

  async cancelOperation(session: string, operation: string): Promise<void> {
    await this.request('POST', `/v2/sessions/${session}/operations/${operation}/cancel`, StatusBody);
  }

  async closeOperation(session: string, operation: string): Promise<void> {
    await this.request('DELETE', `/v2/sessions/${session}/operations/${operation}/close`, StatusBody);
  }

  /** One page of results; `token` 0 is the first, the answer's nextResultUri names the next. */
  fetchResults(session: string, operation: string, token = 0): Promise<FetchResultsBody> {
    return this.request(
      'GET',
      `/v2/sessions/${session}/operations/${operation}/result/${token}?rowFormat=JSON`,
      FetchResultsBody,
    );
  }

  /**
   * Every page of an operation's results until EOS (a failed operation throws its error). For an INSERT or
   * statement set that is one row, the job id; the job itself goes on running in the cluster.
   */
  async fetchAllResults(
    session: string,
    operation: string,
    options: FetchAllOptions = {},
  ): Promise<StatementResult> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const result: StatementResult = { columns: [], rows: [] };
    let path: string | null = `/v2/sessions/${session}/operations/${operation}/result/0?rowFormat=JSON`;
    while (path) {
      if (Date.now() > deadline) {
        throw new Error(
          `results of operation ${operation} not complete within ${options.timeoutMs ?? 60_000} ms`,
        );
      }
      const page: FetchResultsBody = await this.request('GET', path, FetchResultsBody);
      if (page.jobID && !result.jobId) result.jobId = page.jobID;
      if (page.results) {
        if (result.columns.length === 0) result.columns = page.results.columns;
        result.rows.push(...page.results.data);
      }
      if (page.resultType === 'EOS') break;
      if (page.resultType === 'NOT_READY' || (page.results?.data.length ?? 0) === 0) {
        await sleep(options.pollMs ?? 100);
      }
      // NOT_READY without a next URI means: the same token again.
      if (page.nextResultUri) path = page.nextResultUri.startsWith('/v') ? page.nextResultUri : null;
      if (path === null) throw new Error(`unexpected nextResultUri: ${page.nextResultUri}`);
    }
    return result;
  }

  async closeSession(session: string): Promise<void> {
    await this.request('DELETE', `/v2/sessions/${session}`, StatusBody);
  }
}
