'use client';
import type { JobDetail, JobEventList } from '@flowstate/api';
import { TERMINAL_JOB_STATUSES } from '@flowstate/api';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { mergeEvents } from '../../lib/job-events';
import { keys, useJob } from '../../lib/queries';
import { useJobRoom, useSocketEvents } from '../../lib/socket';
import { collectSinks, statefulNodes } from '../../lib/spec-nodes';
import { ErrorBanner, Loading } from '../ui/feedback';
import { CheckpointChart } from './checkpoint-chart';
import { CheckpointsPanel } from './checkpoints-panel';
import { EventsPanel } from './events-panel';
import { JobGraph } from './job-graph';
import { NodesPanel } from './nodes-panel';
import { OutputPanel } from './output-panel';
import { RunHeader } from './run-header';
import { StatePanel } from './state-panel';
import { ThroughputChart } from './throughput-chart';
import { TimePanel } from './time-panel';

/** `/jobs/[id]`: one run, live. Socket events update the React Query cache the panels read. */
export function RunView({ jobId }: { jobId: string }) {
  const job = useJob(jobId);
  const qc = useQueryClient();
  useJobRoom(jobId);
  useSocketEvents({
    'job:status': (e) => {
      if (e.jobId !== jobId) return;
      qc.setQueryData<JobDetail>(keys.job(jobId), (old) =>
        old ? { ...old, status: e.status, restarts: e.restarts, failureCause: e.cause } : old,
      );
      // The row's times (endedAt…) and `live` come with the next GET.
      void qc.invalidateQueries({ queryKey: keys.job(jobId) });
    },
    'job:metrics': (e) => {
      if (e.jobId !== jobId) return;
      qc.setQueryData<JobDetail>(keys.job(jobId), (old) => (old ? { ...old, metrics: e.metrics } : old));
    },
    'checkpoint:triggered': (e) => {
      if (e.jobId === jobId) void qc.invalidateQueries({ queryKey: keys.checkpoints(jobId) });
    },
    'checkpoint:completed': (e) => {
      if (e.jobId === jobId) void qc.invalidateQueries({ queryKey: keys.checkpoints(jobId) });
    },
    'checkpoint:failed': (e) => {
      if (e.jobId === jobId) void qc.invalidateQueries({ queryKey: keys.checkpoints(jobId) });
    },
    'job:event': (e) => {
      if (e.jobId !== jobId) return;
      const list = qc.getQueryData<JobEventList>(keys.events(jobId));
      if (list)
        qc.setQueryData<JobEventList>(keys.events(jobId), { events: mergeEvents(list.events, [e], 200) });
      else void qc.invalidateQueries({ queryKey: keys.events(jobId) });
    },
  });

  if (job.isPending) return <Loading label="Loading the run…" />;
  if (job.isError)
    return (
      <div className="space-y-4">
        <ErrorBanner error={job.error} />
        <Link href="/" className="text-sm text-accent hover:underline">
          ← Back to pipelines
        </Link>
      </div>
    );

  const j = job.data;
  const running = j.live && !TERMINAL_JOB_STATUSES.includes(j.status);
  const stateful = statefulNodes(j.spec);
  const sinks = collectSinks(j.spec);
  return (
    <div className="space-y-5">
      <RunHeader job={j} running={running} />
      <JobGraph job={j} running={running} />
      {/* The state gets the page's width: a window's rows carry its bounds and every aggregate. */}
      <StatePanel job={j} nodes={stateful} running={running} />
      <div className="grid gap-5 lg:grid-cols-2">
        <CheckpointsPanel job={j} running={running} />
        <CheckpointChart job={j} />
      </div>
      <div className="grid gap-5 lg:grid-cols-2">
        <ThroughputChart job={j} />
        <EventsPanel jobId={j.id} />
      </div>
      <NodesPanel job={j} />
      <TimePanel job={j} />
      {sinks.length > 0 && <OutputPanel job={j} sinks={sinks} />}
    </div>
  );
}
