/**
 * `pnpm --filter @flowstate/server start` (tsx src/main.ts): reads the environment (env.ts), opens the
 * database, starts the job manager, listens, and shuts down cleanly on SIGINT/SIGTERM (jobs are stopped,
 * sockets and the database closed).
 */
import { createServer } from './app';
import { EnvError, loadEnv } from './env';

async function main(): Promise<void> {
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const server = await createServer({ env, logger: { level: 'info' } });
  const url = await server.listen();
  const log = server.app.log;
  log.info(
    `Flowstate server listening on ${url} (REST ${url}/api, socket.io ${url}/socket.io, OpenAPI ${url}/api/openapi.json); data in ${env.dataDir}${env.token ? '; token required' : ''}`,
  );
  if (env.flinkGateway !== undefined) {
    // Not a condition to start: Flink may come up later. Say what it answers now.
    void server.flink
      .info()
      .then((i) =>
        i.error !== null
          ? log.warn(`Deploy to Flink: ${i.error} (deployments fail until it answers)`)
          : log.info(
              `Deploy to Flink: Flink ${i.flinkVersion} through the SQL Gateway at ${i.gatewayUrl}${i.dashboardUrl ? `, dashboard ${i.dashboardUrl}` : " (no REST API found: set FLOWSTATE_FLINK_DASHBOARD to follow the jobs' status)"}`,
            ),
      );
  }
  if (env.host !== '127.0.0.1' && env.host !== 'localhost' && env.host !== '::1' && !env.token) {
    log.warn(`listening on ${env.host} without FLOWSTATE_TOKEN: anyone who can reach this port can run jobs`);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: stopping jobs and closing`);
    const force = setTimeout(() => {
      log.error('shutdown took longer than 15 s: exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`flowstate server: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
