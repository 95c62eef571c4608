import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ensureFlinkBuilt, type FlinkLauncher, LAUNCHER_MAIN_CLASS, type Log } from './build.ts';
import { rootCauseOf } from './gateway.ts';

/**
 * The JVM flags of flink-dist's config.yaml (`env.java.opts.all`) that Flink needs on Java 17: its RPC,
 * serializers and Kryo reach into these JDK internals by reflection.
 */
export const FLINK_JAVA17_FLAGS: readonly string[] = [
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.text=ALL-UNNAMED',
  '--add-opens=java.base/java.time=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED',
];

/**
 * Memory of the one JVM (the machine has 2 cores and the JVM should stay under ~1.5 GB): heap for the
 * JobManager, TaskManager, planner and gateway; direct memory for network buffers and Netty; managed memory
 * (RocksDB, batch sorts) and network memory sized for a local cluster.
 */
export const DEFAULT_JVM_FLAGS: readonly string[] = [
  '-Xms256m',
  '-Xmx768m',
  '-XX:MaxDirectMemorySize=256m',
  '-XX:MaxMetaspaceSize=384m',
  '-XX:+ExitOnOutOfMemoryError',
];

export const DEFAULT_FLINK_CONFIG: Readonly<Record<string, string>> = {
  'taskmanager.memory.managed.size': '128m',
  'taskmanager.memory.network.min': '64m',
  'taskmanager.memory.network.max': '64m',
  'parallelism.default': '1',
  // REST answers about a job come from a cache refreshed at this interval (Flink's default 3 s): a finished
  // job would look RUNNING for up to 3 s to waitForJob and the dashboard.
  'web.refresh-interval': '200 ms',
};

const ReadyLine = z.object({
  restUrl: z.url(),
  gatewayUrl: z.url(),
  dashboardUrl: z.url().nullable(),
  flinkVersion: z.string(),
  pid: z.number().int(),
});

export interface StartLocalFlinkOptions {
  /** Port of the cluster's REST API and dashboard; 0 (default) = a free port. */
  restPort?: number;
  /** Port of the SQL Gateway's REST endpoint; 0 (default) = a free port. */
  gatewayPort?: number;
  /** Task slots of the one TaskManager (default 8: parallelism 4 with room to spare). */
  slots?: number;
  /** Extra Flink options (`key: value`), for the cluster and as the gateway's session defaults. */
  flinkConfig?: Record<string, string>;
  /** Flink's log level on stderr (default WARN). */
  logLevel?: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
  /** Gets our progress messages and the JVM's stderr lines (prefixed "[jvm] "). */
  log?: Log;
  /** How long to wait for the ready line (default 120 s). */
  startTimeoutMs?: number;
  /** From `ensureFlinkBuilt()`; built here when absent (throws when Java/Maven are missing). */
  launcher?: FlinkLauncher;
}

export interface LocalFlink {
  /** Flink's REST API (JobManager): /jobs, /jobs/:id, /overview … */
  restUrl: string;
  /** The SQL Gateway's REST endpoint: /v2/sessions … */
  gatewayUrl: string;
  /** The web dashboard, when flink-runtime-web serves it (same port as restUrl). */
  dashboardUrl?: string;
  flinkVersion: string;
  pid: number;
  /** Spawn to ready line, in milliseconds. */
  startupMs: number;
  /** The JVM's private java.io.tmpdir (blob store, web uploads, extracted planner); removed when it exits. */
  tmpDir: string;
  /** Stops the gateway and the cluster (SIGTERM; SIGKILL after 15 s) and removes the JVM's temp dir. */
  stop(): Promise<void>;
}

const STDERR_TAIL_LINES = 60;

/**
 * Starts the local Flink JVM (MiniCluster + dashboard + SQL Gateway, all on 127.0.0.1) and resolves when it
 * printed its ready line. The JVM exits with its parent: it reads stdin (a pipe from us) and exits at its
 * end, and it watches our pid.
 */
export async function startLocalFlink(options: StartLocalFlinkOptions = {}): Promise<LocalFlink> {
  const log = options.log ?? (() => {});
  let launcher = options.launcher;
  if (!launcher) {
    const prep = ensureFlinkBuilt({ log });
    if (!prep.ok) throw new Error(`cannot start local Flink: ${prep.reason}`);
    launcher = prep.launcher;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'flowstate-flink-'));
  const flinkConfig = {
    ...DEFAULT_FLINK_CONFIG,
    // Checkpoints on disk in the JVM's work dir: the default JobManager storage keeps them in memory and fails a
    // checkpoint whose state is over 5 MB ("Asynchronous task checkpoint failed"), as a window join's soon is.
    'execution.checkpointing.storage': 'filesystem',
    'execution.checkpointing.dir': `file://${join(workDir, 'checkpoints')}`,
    ...options.flinkConfig,
  };
  const args = [
    ...DEFAULT_JVM_FLAGS,
    ...FLINK_JAVA17_FLAGS,
    // Blob store, web upload dir, the planner jar the loader extracts, RocksDB files: all under workDir.
    `-Djava.io.tmpdir=${workDir}`,
    `-Dflowstate.flink.log.level=${options.logLevel ?? 'WARN'}`,
    '-cp',
    launcher.classpath,
    LAUNCHER_MAIN_CLASS,
    '--rest-port',
    String(options.restPort ?? 0),
    '--gateway-port',
    String(options.gatewayPort ?? 0),
    '--slots',
    String(options.slots ?? 8),
    '--parent-pid',
    String(process.pid),
    '--exit-on-stdin-eof',
    '--delete-tmpdir-on-exit',
    ...Object.entries(flinkConfig).map(([k, v]) => `-D${k}=${v}`),
  ];
  const t0 = performance.now();
  log(`starting Flink: ${launcher.java} … ${LAUNCHER_MAIN_CLASS}`);
  const child = spawn(launcher.java, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    log(`[jvm] ${line}`);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.on('error', () => resolve(-1));
  });
  // Keep the JVM's stdin open (its end means "parent gone"); ignore EPIPE once it has exited.
  child.stdin!.on('error', () => {});

  const cleanup = () => rmSync(workDir, { recursive: true, force: true });
  let ready: z.infer<typeof ReadyLine>;
  try {
    ready = await waitForReadyLine(child, exited, options.startTimeoutMs ?? 120_000, () =>
      stderrTail.join('\n'),
    );
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw e;
  }
  const startupMs = Math.round(performance.now() - t0);
  log(
    `Flink ${ready.flinkVersion} ready in ${(startupMs / 1000).toFixed(1)} s: REST ${ready.restUrl}, SQL Gateway ${ready.gatewayUrl}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      child.stdin?.destroy();
      cleanup();
    })();
    return stopping;
  };
  return {
    restUrl: ready.restUrl,
    gatewayUrl: ready.gatewayUrl,
    ...(ready.dashboardUrl ? { dashboardUrl: ready.dashboardUrl } : {}),
    flinkVersion: ready.flinkVersion,
    pid: ready.pid,
    startupMs,
    tmpDir: workDir,
    stop,
  };
}

function waitForReadyLine(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
  stderr: () => string,
): Promise<z.infer<typeof ReadyLine>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`Flink did not get ready within ${timeoutMs} ms; its stderr ends with:\n${stderr()}`),
        ),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('FLINK_READY ')) return;
      clearTimeout(timer);
      try {
        resolve(ReadyLine.parse(JSON.parse(line.slice('FLINK_READY '.length))));
      } catch (e) {
        reject(new Error(`unreadable ready line from the Flink JVM: ${line} (${String(e)})`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      // e.g. "java.net.BindException: Could not start rest endpoint on any port in port range 8081"
      const cause = rootCauseOf(stderr());
      reject(
        new Error(
          `the Flink JVM exited (code ${code}) before it was ready${cause ? `: ${cause}` : ''}; its stderr ends with:\n${stderr()}`,
        ),
      );
    });
  });
}
