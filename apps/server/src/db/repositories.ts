/**
 * The repositories of pipelines (and their immutable versions), jobs, checkpoints and job events over one Prisma
 * client: `createDb` is the `Db` the server uses.
 */
import type { Prisma, PrismaClient } from './generated/client';
import {
  checkpointRow,
  DEFAULT_EVENTS,
  eventRow,
  flinkDeploymentRow,
  jobInclude,
  jobOutputRow,
  jobRow,
  latestVersion,
  MAX_EVENTS,
  type PipelineWithLatest,
  parseJson,
  pipelineRow,
  prismaCode,
  retrying,
  toBigInt,
  toJson,
  versionRow,
} from './rows';
import { type Db, DbError, INTERRUPTED_CHECKPOINT_REASON, type PipelineRow } from './types';

export function createDb(prisma: PrismaClient): Db {
  let closed: Promise<void> | undefined;

  const pipelineWithSpec = (p: PipelineWithLatest): PipelineRow & { spec: unknown } => {
    const v = p.versions[0];
    return { ...pipelineRow(p), spec: v ? parseJson(v.spec) : null };
  };

  const getPipeline = async (
    q: Prisma.TransactionClient | PrismaClient,
    id: string,
  ): Promise<(PipelineRow & { spec: unknown }) | null> => {
    const p = await q.pipeline.findUnique({ where: { id }, include: { versions: latestVersion } });
    return p ? pipelineWithSpec(p) : null;
  };

  return {
    pipelines: {
      async list() {
        const rows = await prisma.pipeline.findMany({
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          include: { versions: { orderBy: { number: 'desc' }, take: 1, select: { number: true } } },
        });
        return rows.map(pipelineRow);
      },

      get: (id) => getPipeline(prisma, id),

      async create(input) {
        const spec = toJson(input.spec, 'spec');
        const p = await prisma.pipeline.create({
          data: {
            name: input.name,
            description: input.description ?? null,
            versions: { create: { number: 1, spec, message: input.message ?? null } },
          },
          include: { versions: latestVersion },
        });
        return pipelineWithSpec(p);
      },

      async update(id, input) {
        const spec = input.spec === undefined ? undefined : toJson(input.spec, 'spec');
        const data: Prisma.PipelineUpdateInput = { updatedAt: new Date() };
        if (input.name !== undefined) data.name = input.name;
        if (input.description !== undefined) data.description = input.description;
        // Versions are numbered in a transaction; should another process take the number between our read and
        // our insert, the unique (pipelineId, number) refuses it and we try again with the next one.
        return retrying(() =>
          prisma.$transaction(
            async (tx) => {
              const exists = await tx.pipeline.findUnique({ where: { id }, select: { id: true } });
              if (!exists) return null;
              if (spec !== undefined) {
                const last = await tx.pipelineVersion.findFirst({
                  where: { pipelineId: id },
                  orderBy: { number: 'desc' },
                  select: { number: true },
                });
                await tx.pipelineVersion.create({
                  data: {
                    pipelineId: id,
                    number: (last?.number ?? 0) + 1,
                    spec,
                    message: input.message ?? null,
                  },
                });
              }
              await tx.pipeline.update({ where: { id }, data });
              return getPipeline(tx, id);
            },
            { maxWait: 30_000, timeout: 30_000 },
          ),
        );
      },

      async delete(id) {
        const r = await prisma.pipeline.deleteMany({ where: { id } });
        return r.count > 0;
      },

      async versions(id) {
        const p = await prisma.pipeline.findUnique({
          where: { id },
          include: { versions: { orderBy: { number: 'desc' } } },
        });
        return p ? p.versions.map(versionRow) : null;
      },

      async version(id, number) {
        if (!Number.isSafeInteger(number)) return null;
        const v = await prisma.pipelineVersion.findUnique({
          where: { pipelineId_number: { pipelineId: id, number } },
        });
        return v ? versionRow(v) : null;
      },
    },

    jobs: {
      async create(input) {
        const spec = toJson(input.spec, 'spec');
        let pipelineId = input.pipelineId ?? null;
        if (input.versionId !== undefined) {
          const v = await prisma.pipelineVersion.findUnique({
            where: { id: input.versionId },
            select: { pipelineId: true },
          });
          if (!v) throw new DbError('INVALID_REFERENCE', `there is no pipeline version ${input.versionId}`);
          if (pipelineId !== null && pipelineId !== v.pipelineId) {
            throw new DbError(
              'INVALID_REFERENCE',
              `pipeline version ${input.versionId} belongs to pipeline ${v.pipelineId}, not ${pipelineId}`,
            );
          }
          pipelineId = v.pipelineId;
        }
        try {
          const job = await prisma.job.create({
            data: {
              pipelineId,
              versionId: input.versionId ?? null,
              spec,
              restoredFromCheckpoint: input.restoredFromCheckpoint ?? null,
              restoredFromPath: input.restoredFromPath ?? null,
            },
            include: jobInclude,
          });
          return jobRow(job);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError(
              'INVALID_REFERENCE',
              `there is no pipeline ${pipelineId}${input.versionId ? ` with version ${input.versionId}` : ''}`,
              { cause: e },
            );
          }
          throw e;
        }
      },

      async get(id) {
        const job = await prisma.job.findUnique({ where: { id }, include: jobInclude });
        return job ? jobRow(job) : null;
      },

      async list(filter = {}) {
        const where: Prisma.JobWhereInput = {};
        if (filter.pipelineId !== undefined) where.pipelineId = filter.pipelineId;
        if (filter.status !== undefined) where.status = { in: filter.status };
        const jobs = await prisma.job.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          include: jobInclude,
        });
        return jobs.map(jobRow);
      },

      async update(id, patch) {
        const data: Prisma.JobUpdateInput = {};
        if (patch.status !== undefined) data.status = patch.status;
        if (patch.failureCause !== undefined) data.failureCause = patch.failureCause;
        if (patch.restarts !== undefined) data.restarts = patch.restarts;
        if (patch.startedAt !== undefined) data.startedAt = patch.startedAt;
        if (patch.endedAt !== undefined) data.endedAt = patch.endedAt;
        if (patch.restoredFromCheckpoint !== undefined)
          data.restoredFromCheckpoint = patch.restoredFromCheckpoint;
        if (patch.restoredFromPath !== undefined) data.restoredFromPath = patch.restoredFromPath;
        try {
          return jobRow(await prisma.job.update({ where: { id }, data, include: jobInclude }));
        } catch (e) {
          if (prismaCode(e) === 'P2025') return null;
          throw e;
        }
      },

      async saveMetrics(id, metrics, at) {
        const r = await prisma.job.updateMany({
          where: { id },
          data: { metrics: toJson(metrics, 'metrics'), metricsAt: at },
        });
        return r.count > 0;
      },

      async interrupted() {
        return prisma.$transaction(
          async (tx) => {
            const where: Prisma.JobWhereInput = { status: { in: ['created', 'running', 'restarting'] } };
            const jobs = await tx.job.findMany({
              where,
              orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
              include: jobInclude,
            });
            if (jobs.length === 0) return [];
            await tx.checkpoint.updateMany({
              where: { jobId: { in: jobs.map((j) => j.id) }, status: 'pending' },
              data: { status: 'failed', failureReason: INTERRUPTED_CHECKPOINT_REASON },
            });
            return jobs.map(jobRow);
          },
          { maxWait: 30_000, timeout: 30_000 },
        );
      },
    },

    checkpoints: {
      async upsert(input) {
        const fields = {
          kind: input.kind,
          trigger: input.trigger,
          status: input.status,
          startedAt: input.startedAt,
          durationMs: input.durationMs,
          sizeBytes: input.sizeBytes === null ? null : toBigInt(input.sizeBytes),
          fullSizeBytes: input.fullSizeBytes === null ? null : toBigInt(input.fullSizeBytes, 'fullSizeBytes'),
          incrementalSizeBytes:
            input.incrementalSizeBytes === null
              ? null
              : toBigInt(input.incrementalSizeBytes, 'incrementalSizeBytes'),
          path: input.path,
          failureReason: input.failureReason,
          details: toJson(input.details ?? null, 'details'),
        };
        try {
          const row = await retrying(() =>
            prisma.checkpoint.upsert({
              where: { jobId_number: { jobId: input.jobId, number: input.number } },
              create: { jobId: input.jobId, number: input.number, ...fields },
              update: fields,
            }),
          );
          return checkpointRow(row);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError('INVALID_REFERENCE', `there is no job ${input.jobId}`, { cause: e });
          }
          throw e;
        }
      },

      async list(jobId) {
        const rows = await prisma.checkpoint.findMany({ where: { jobId }, orderBy: { number: 'desc' } });
        return rows.map(checkpointRow);
      },

      async get(jobId, number) {
        if (!Number.isSafeInteger(number)) return null;
        const row = await prisma.checkpoint.findUnique({ where: { jobId_number: { jobId, number } } });
        return row ? checkpointRow(row) : null;
      },
    },

    outputs: {
      async save(input) {
        const fields = {
          rows: toJson(input.rows, 'rows'),
          fromSeq: toBigInt(input.fromSeq, 'fromSeq', ''),
          nextSeq: toBigInt(input.nextSeq, 'nextSeq', ''),
          epoch: input.epoch,
          updatedAt: input.updatedAt ?? new Date(),
        };
        try {
          await retrying(() =>
            prisma.jobOutput.upsert({
              where: { jobId_nodeId: { jobId: input.jobId, nodeId: input.nodeId } },
              create: { jobId: input.jobId, nodeId: input.nodeId, ...fields },
              update: fields,
            }),
          );
          return true;
        } catch (e) {
          if (prismaCode(e) === 'P2003') return false;
          throw e;
        }
      },

      async get(jobId, nodeId) {
        const row = await prisma.jobOutput.findUnique({ where: { jobId_nodeId: { jobId, nodeId } } });
        return row ? jobOutputRow(row) : null;
      },
    },

    events: {
      async add(input) {
        try {
          const row = await prisma.jobEvent.create({
            data: {
              jobId: input.jobId,
              level: input.level,
              type: input.type,
              message: input.message,
              data: input.data === undefined ? null : toJson(input.data, 'data'),
              at: new Date(),
            },
          });
          return eventRow(row);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError('INVALID_REFERENCE', `there is no job ${input.jobId}`, { cause: e });
          }
          throw e;
        }
      },

      async list(jobId, opts = {}) {
        const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_EVENTS), 1), MAX_EVENTS);
        const rows = await prisma.jobEvent.findMany({
          where: { jobId, ...(opts.before !== undefined ? { at: { lt: opts.before } } : {}) },
          orderBy: { id: 'desc' },
          take: Number.isFinite(limit) ? limit : DEFAULT_EVENTS,
        });
        return rows.map(eventRow);
      },
    },

    flinkDeployments: {
      async create(input) {
        try {
          const row = await prisma.flinkDeployment.create({
            data: {
              pipelineId: input.pipelineId,
              version: input.version,
              name: input.name,
              gatewayUrl: input.gatewayUrl,
              restUrl: input.restUrl,
              sql: input.sql,
              notes: toJson(input.notes, 'notes'),
            },
          });
          return flinkDeploymentRow(row);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError('INVALID_REFERENCE', `there is no pipeline ${input.pipelineId}`, { cause: e });
          }
          throw e;
        }
      },

      async get(id) {
        const row = await prisma.flinkDeployment.findUnique({ where: { id } });
        return row ? flinkDeploymentRow(row) : null;
      },

      async list(filter = {}) {
        const rows = await prisma.flinkDeployment.findMany({
          where: filter.pipelineId !== undefined ? { pipelineId: filter.pipelineId } : {},
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          ...(filter.limit !== undefined ? { take: Math.max(1, Math.trunc(filter.limit)) } : {}),
        });
        return rows.map(flinkDeploymentRow);
      },

      async update(id, patch) {
        const data: Prisma.FlinkDeploymentUpdateInput = {};
        if (patch.status !== undefined) data.status = patch.status;
        if (patch.flinkJobId !== undefined) data.flinkJobId = patch.flinkJobId;
        if (patch.restUrl !== undefined) data.restUrl = patch.restUrl;
        if (patch.error !== undefined) data.error = patch.error;
        if (patch.endedAt !== undefined) data.endedAt = patch.endedAt;
        try {
          return flinkDeploymentRow(
            await retrying(() => prisma.flinkDeployment.update({ where: { id }, data })),
          );
        } catch (e) {
          if (prismaCode(e) === 'P2025') return null;
          throw e;
        }
      },

      async failInterrupted(reason) {
        const r = await prisma.flinkDeployment.updateMany({
          where: { status: 'SUBMITTING' },
          data: { status: 'SUBMIT_FAILED', error: reason, endedAt: new Date() },
        });
        return r.count;
      },
    },

    close() {
      closed ??= prisma.$disconnect();
      return closed;
    },
  };
}
