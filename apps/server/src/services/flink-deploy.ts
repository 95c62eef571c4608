/**
 * Deploy to Flink: a saved pipeline version, exported to Flink SQL as the export endpoint shows it
 * (flink-export.ts: file paths resolved by the file policy to absolute paths under the allowed roots), submitted
 * through the Flink SQL Gateway configured by FLOWSTATE_FLINK_GATEWAY (`@flowstate/flink-local`'s
 * `runScript`: a session, `SET`s through configure-session, each statement executed and its operation's results
 * read; the INSERT or statement set answers with the id of the job it started), and recorded as a
 * `FlinkDeployment` row. Its status is read from the cluster's REST API (FLOWSTATE_FLINK_DASHBOARD, else the one
 * the gateway's configuration names) whenever a deployment is read and has not ended, and written back.
 *
 * - Without a configured gateway, deploying and cancelling answer 409 `flink-not-configured`, saying how to
 *   configure one; reading deployments answers what is recorded (the server talks to no Flink it is not told of).
 * - A deploy request answers 201 with the recorded deployment once the submit is done, or after 3 s with it still
 *   `SUBMITTING` (a cold Flink plans its first statement for seconds); the submit goes on and reading the
 *   deployment follows it. A submit Flink refuses (a statement fails, the gateway does not answer) is recorded
 *   too, as `SUBMIT_FAILED` with the reason: a fact about the deployment, not an error of the request.
 * - The Flink cluster must see the same file system as this server (the same machine, or the roots mounted at the
 *   same paths): the script names the files by their absolute paths here.
 */
import {
  type FlinkDeployment,
  type FlinkDeploymentDetail,
  type FlinkDeploymentStatus,
  FlinkExportNoteSchema,
  type FlinkInfo,
  type FlinkSqlExport,
  TERMINAL_FLINK_DEPLOYMENT_STATUSES,
} from '@flowstate/api';
import type { FileAccess } from '@flowstate/engine';
import {
  cancelJob,
  FlinkGatewayClient,
  FlinkScriptError,
  findRestUrl,
  getJob,
  getJobRootException,
  rootCauseOf,
  runScript,
} from '@flowstate/flink-local';
import { z } from 'zod';
import type { Db, FlinkDeploymentRow } from '../db/index';
import { HttpError } from '../http/errors';
import { exportVersion } from './flink-export';

/** How to configure Deploy to Flink (the 409's message, and docs/flink.md). */
export const FLINK_NOT_CONFIGURED =
  'Deploy to Flink is not configured on this server: set FLOWSTATE_FLINK_GATEWAY to the REST endpoint of a Flink SQL Gateway ' +
  '(e.g. http://127.0.0.1:8083) — and FLOWSTATE_FLINK_DASHBOARD to the cluster’s REST API/dashboard if the gateway does not name it — ' +
  'then restart the server. `pnpm --filter @flowstate/flink-local run flink:start` starts a local Flink with a SQL Gateway on ' +
  'port 8083 and the dashboard on 8081.';

export const INTERRUPTED_SUBMIT =
  "the server stopped while the script was being submitted: whether Flink started the job is not known (look at Flink's dashboard)";

const TERMINAL = new Set<FlinkDeploymentStatus>(TERMINAL_FLINK_DEPLOYMENT_STATUSES);
const NotesSchema = z.array(FlinkExportNoteSchema);

export interface FlinkDeployOptions {
  db: Db;
  /** The server's file policy: the export's paths go through it. */
  fileAccess: FileAccess;
  /** FLOWSTATE_FLINK_GATEWAY (undefined: not configured). */
  gatewayUrl: string | undefined;
  /** FLOWSTATE_FLINK_DASHBOARD. */
  dashboardUrl: string | undefined;
  /** Submitting a script, all statements (default 120 s). */
  submitTimeoutMs?: number;
  /** One question to the gateway or the REST API while reading (default 5 s). */
  readTimeoutMs?: number;
  /** A deploy request answers once the submit is done or after this long, whichever is first (default 3 s). */
  answerWithinMs?: number;
  log?: { info(msg: string): void; warn(msg: string): void };
}

class Timeout extends Error {}

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves when every promise has settled or `ms` have passed, whichever is first. */
async function settledWithin(ms: number, promises: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** A failed fetch, readable: `fetch failed (connect ECONNREFUSED 127.0.0.1:8083)`. */
export function fetchErrorText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const message = err?.message ?? String(e);
  const cause = err?.cause?.message ?? err?.cause?.code;
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}

export class FlinkDeployService {
  private readonly db: Db;
  private readonly submitTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly answerWithinMs: number;
  /** Submits under way. */
  private readonly submitting = new Set<Promise<void>>();
  /** The REST API the gateway's configuration named, once found (a gateway's cluster does not move). */
  private discoveredRestUrl: string | undefined;

  constructor(private readonly opts: FlinkDeployOptions) {
    this.db = opts.db;
    this.submitTimeoutMs = opts.submitTimeoutMs ?? 120_000;
    this.readTimeoutMs = opts.readTimeoutMs ?? 5000;
    this.answerWithinMs = opts.answerWithinMs ?? 3000;
  }

  get configured(): boolean {
    return this.opts.gatewayUrl !== undefined;
  }

  private requireGateway(): string {
    if (this.opts.gatewayUrl === undefined) throw new HttpError('flink-not-configured', FLINK_NOT_CONFIGURED);
    return this.opts.gatewayUrl;
  }

  /** The version as a Flink SQL script with its notes (the export endpoint). */
  async exportVersion(pipelineId: string, version: number): Promise<FlinkSqlExport> {
    return exportVersion(this.db, this.opts.fileAccess, pipelineId, version);
  }

  /**
   * The cluster's REST API: FLOWSTATE_FLINK_DASHBOARD, else the one the gateway's configuration names (asked once
   * it answers; four requests, so it gets more time than one question); undefined when there is none.
   */
  private async restUrl(gateway: FlinkGatewayClient): Promise<string | undefined> {
    if (this.opts.dashboardUrl !== undefined) return this.opts.dashboardUrl;
    if (this.discoveredRestUrl !== undefined) return this.discoveredRestUrl;
    const found = await within(this.readTimeoutMs * 4, 'the SQL Gateway', findRestUrl(gateway)).catch(
      () => undefined,
    );
    if (found !== undefined) this.discoveredRestUrl = found;
    return found;
  }

  /** Whether a gateway is configured, and what it answers now. */
  async info(): Promise<FlinkInfo> {
    const { gatewayUrl, dashboardUrl } = this.opts;
    if (gatewayUrl === undefined) {
      return { configured: false, gatewayUrl: null, dashboardUrl: null, flinkVersion: null, error: null };
    }
    const gateway = new FlinkGatewayClient(gatewayUrl);
    try {
      const info = await within(this.readTimeoutMs, 'the SQL Gateway', gateway.getInfo());
      const rest = await this.restUrl(gateway);
      return {
        configured: true,
        gatewayUrl,
        dashboardUrl: rest ?? null,
        flinkVersion: info.version,
        error: null,
      };
    } catch (e) {
      return {
        configured: true,
        gatewayUrl,
        dashboardUrl: dashboardUrl ?? null,
        flinkVersion: null,
        error: `the Flink SQL Gateway at ${gatewayUrl} does not answer: ${fetchErrorText(e)}`,
      };
    }
  }

  /**
   * Exports version `version` (the newest by default) of the pipeline and submits it. 409 without a gateway,
   * 404 / 422 as the export; otherwise the recorded deployment as it is once the submit is done or `answerWithinMs`
   * has passed, whichever comes first — `SUBMITTING` while Flink is still planning (a cold Flink's first statement
   * takes seconds); the submit goes on, and reading the deployment follows it.
   */
  async deploy(pipelineId: string, version?: number): Promise<FlinkDeploymentDetail> {
    const gatewayUrl = this.requireGateway();
    const exported = await exportVersion(this.db, this.opts.fileAccess, pipelineId, version);
    const row = await this.db.flinkDeployments.create({
      pipelineId,
      version: exported.version,
      name: exported.name,
      gatewayUrl,
      restUrl: this.opts.dashboardUrl ?? null,
      sql: exported.sql,
      notes: exported.notes,
    });
    const done = this.submit(row, gatewayUrl);
    this.submitting.add(done);
    void done.finally(() => this.submitting.delete(done));
    await settledWithin(this.answerWithinMs, [done]);
    return this.get(row.id);
  }

  /** Runs the deployment's script through the gateway and records the outcome (never rejects). */
  private async submit(row: FlinkDeploymentRow, gatewayUrl: string): Promise<void> {
    const gateway = new FlinkGatewayClient(gatewayUrl);
    try {
      try {
        const submitted = await within(
          this.submitTimeoutMs,
          `submitting the script through the Flink SQL Gateway at ${gatewayUrl}`,
          (async () => {
            const restUrl = (await this.restUrl(gateway)) ?? null;
            const script = await runScript(gateway, row.sql, { timeoutMs: this.submitTimeoutMs });
            return { restUrl, jobIds: script.jobIds };
          })(),
        );
        const jobId = submitted.jobIds[0];
        if (jobId === undefined) {
          await this.finish(row, 'SUBMIT_FAILED', {
            error: 'the script ran but started no Flink job (it has no INSERT)',
          });
          return;
        }
        // Submitted: the job's own status comes from the REST API (INITIALIZING until it is read).
        await this.db.flinkDeployments.update(row.id, {
          status: 'INITIALIZING',
          flinkJobId: jobId,
          restUrl: submitted.restUrl,
        });
        this.opts.log?.info(
          `deployed version ${row.version} of pipeline ${row.pipelineId} to Flink: job ${jobId} (deployment ${row.id})`,
        );
      } catch (e) {
        const error = this.submitError(gatewayUrl, e);
        await this.finish(row, 'SUBMIT_FAILED', { error });
        this.opts.log?.warn(`deployment ${row.id} to Flink failed: ${error}`);
      }
    } catch (e) {
      // The database went away under it (the server is closing): the next start records it as cut off.
      this.opts.log?.warn(`deployment ${row.id}: recording the submit's outcome failed: ${String(e)}`);
    }
  }

  /** Waits (at most `maxMs`) for the submits under way, so that closing the database does not cut them off. */
  async idle(maxMs = 5000): Promise<void> {
    await settledWithin(maxMs, [...this.submitting]);
  }

  private submitError(gatewayUrl: string, e: unknown): string {
    if (e instanceof FlinkScriptError) {
      const first = e.statement.text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('--'));
      return `Flink refused the statement at line ${e.statement.line} of the script (${(first ?? '').trim().slice(0, 80)}): ${e.reason}`;
    }
    if (e instanceof Timeout) return e.message;
    return `cannot reach the Flink SQL Gateway at ${gatewayUrl}: ${fetchErrorText(e)} — is Flink running? (\`pnpm --filter @flowstate/flink-local run flink:start\` starts a local one)`;
  }

  private async finish(
    row: FlinkDeploymentRow,
    status: FlinkDeploymentStatus,
    patch: { error?: string | null; endedAt?: Date } = {},
  ): Promise<FlinkDeploymentRow> {
    return (
      (await this.db.flinkDeployments.update(row.id, {
        status,
        ...(patch.error !== undefined ? { error: patch.error } : {}),
        ...(TERMINAL.has(status) ? { endedAt: patch.endedAt ?? new Date() } : {}),
      })) ?? row
    );
  }

  /**
   * Reads the job's status from Flink's REST API when the deployment has not ended (and a gateway is configured),
   * writes a change back, and says why it could not when it could not.
   */
  private async refresh(
    row: FlinkDeploymentRow,
  ): Promise<{ row: FlinkDeploymentRow; statusError: string | null }> {
    if (TERMINAL.has(row.status) || row.flinkJobId === null) return { row, statusError: null };
    if (!this.configured) {
      return {
        row,
        statusError:
          'FLOWSTATE_FLINK_GATEWAY is not set on this server: the status shown is the last one recorded',
      };
    }
    if (row.restUrl === null) {
      return {
        row,
        statusError:
          "no REST API of the Flink cluster is known (the gateway's configuration names none): set FLOWSTATE_FLINK_DASHBOARD to read the job's status",
      };
    }
    const restUrl = row.restUrl;
    const jobId = row.flinkJobId;
    try {
      const job = await within(this.readTimeoutMs, `Flink's REST API at ${restUrl}`, getJob(restUrl, jobId));
      if (!job) {
        return {
          row,
          statusError: `Flink's REST API at ${restUrl} does not know job ${jobId} (was the cluster restarted?): the status shown is the last one recorded`,
        };
      }
      if (job.state === row.status) return { row, statusError: null };
      let error: string | null | undefined;
      if (job.state === 'FAILED') {
        const trace = await within(
          this.readTimeoutMs,
          `Flink's REST API at ${restUrl}`,
          getJobRootException(restUrl, jobId),
        ).catch(() => undefined);
        error = trace
          ? (rootCauseOf(trace) ?? trace.split('\n')[0] ?? null)
          : 'the job failed (Flink gave no cause)';
      }
      const ended = job['end-time'] > 0 ? new Date(job['end-time']) : new Date();
      const next = await this.finish(row, job.state, {
        ...(error !== undefined ? { error } : {}),
        endedAt: ended,
      });
      return { row: next, statusError: null };
    } catch (e) {
      return {
        row,
        statusError: `cannot read the job's status from Flink's REST API at ${restUrl}: ${fetchErrorText(e)}`,
      };
    }
  }

  /** Deployments, newest first (of one pipeline, or all), each with its status read from Flink. */
  async list(query: { pipelineId?: string; limit?: number }): Promise<FlinkDeployment[]> {
    const rows = await this.db.flinkDeployments.list({
      ...(query.pipelineId !== undefined ? { pipelineId: query.pipelineId } : {}),
      limit: query.limit ?? 50,
    });
    const fresh = await Promise.all(rows.map((r) => this.refresh(r)));
    return fresh.map(({ row, statusError }) => this.summary(row, statusError));
  }

  private async row(id: string): Promise<FlinkDeploymentRow> {
    const row = await this.db.flinkDeployments.get(id);
    if (!row) {
      throw new HttpError(
        'deployment-not-found',
        `there is no Flink deployment '${id}' (GET /api/flink/deployments lists them)`,
      );
    }
    return row;
  }

  async get(id: string): Promise<FlinkDeploymentDetail> {
    const { row, statusError } = await this.refresh(await this.row(id));
    return this.detail(row, statusError);
  }

  /** Cancels the deployment's job on Flink (`PATCH /jobs/:id?mode=cancel`); an ended one is answered as it is. */
  async cancel(id: string): Promise<FlinkDeploymentDetail> {
    this.requireGateway();
    let { row } = await this.refresh(await this.row(id));
    if (!TERMINAL.has(row.status)) {
      if (row.flinkJobId === null) {
        throw new HttpError(
          'operation-failed',
          `deployment '${id}' has no Flink job yet (it is being submitted): try again in a moment`,
        );
      }
      if (row.restUrl === null) {
        throw new HttpError(
          'operation-failed',
          `no REST API of the Flink cluster is known for deployment '${id}', so its job cannot be cancelled from here: cancel job ${row.flinkJobId} on Flink, or set FLOWSTATE_FLINK_DASHBOARD`,
        );
      }
      try {
        await within(
          this.readTimeoutMs,
          `Flink's REST API at ${row.restUrl}`,
          cancelJob(row.restUrl, row.flinkJobId),
        );
      } catch (e) {
        throw new HttpError(
          'operation-failed',
          `cannot cancel Flink job ${row.flinkJobId} through Flink's REST API at ${row.restUrl}: ${fetchErrorText(e)}`,
        );
      }
      this.opts.log?.info(`cancelled Flink job ${row.flinkJobId} (deployment ${id})`);
      row = await this.db.flinkDeployments.get(id).then((r) => r ?? row);
    }
    const fresh = await this.refresh(row);
    return this.detail(fresh.row, fresh.statusError);
  }

  /** At start: deployments a previous server process was submitting are recorded as SUBMIT_FAILED. */
  recoverInterrupted(): Promise<number> {
    return this.db.flinkDeployments.failInterrupted(INTERRUPTED_SUBMIT);
  }

  private summary(row: FlinkDeploymentRow, statusError: string | null): FlinkDeployment {
    const terminal = TERMINAL.has(row.status);
    const notes = NotesSchema.safeParse(row.notes);
    return {
      id: row.id,
      pipelineId: row.pipelineId,
      version: row.version,
      name: row.name,
      gatewayUrl: row.gatewayUrl,
      restUrl: row.restUrl,
      flinkJobId: row.flinkJobId,
      status: row.status,
      terminal,
      error: row.error,
      notes: notes.success ? notes.data : [],
      // Flink's web dashboard: #/job/running/<id> while the job runs, #/job/completed/<id> after.
      dashboardUrl:
        row.restUrl !== null && row.flinkJobId !== null
          ? `${row.restUrl}/#/job/${terminal ? 'completed' : 'running'}/${row.flinkJobId}/overview`
          : null,
      statusError,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      endedAt: row.endedAt?.toISOString() ?? null,
    };
  }

  private detail(row: FlinkDeploymentRow, statusError: string | null): FlinkDeploymentDetail {
    return { ...this.summary(row, statusError), sql: row.sql };
  }
}
