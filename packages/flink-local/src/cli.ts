/**
 * By hand: `pnpm --filter @flowstate/flink-local run flink:start [--rest-port N] [--gateway-port N]`
 * builds the launcher if needed, starts the local Flink, prints its URLs and runs until Ctrl-C.
 * `flink:build` only builds (and says why it cannot, when Java or Maven are missing).
 */
import { parseArgs } from 'node:util';
import { ensureFlinkBuilt } from './build.ts';
import { startLocalFlink } from './launcher.ts';

const log = (m: string) => process.stderr.write(`[flink-local] ${m}\n`);
const { positionals, values } = parseArgs({
  // `pnpm run flink:start -- --rest-port 0` passes the `--` on: drop it.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: {
    'rest-port': { type: 'string', default: process.env.FLINK_REST_PORT ?? '8081' },
    'gateway-port': { type: 'string', default: process.env.FLINK_GATEWAY_PORT ?? '8083' },
    verbose: { type: 'boolean', default: false },
  },
});
const command = positionals[0] ?? 'start';

const prep = ensureFlinkBuilt({ log });
if (!prep.ok) {
  log(prep.reason);
  process.exit(1);
}
log(prep.built ? `launcher built in ${(prep.buildMs / 1000).toFixed(1)} s` : 'launcher up to date');
if (command === 'build') process.exit(0);
if (command !== 'start') {
  log(`unknown command '${command}': use start or build`);
  process.exit(2);
}

const flink = await startLocalFlink({
  launcher: prep.launcher,
  restPort: Number(values['rest-port']),
  gatewayPort: Number(values['gateway-port']),
  logLevel: values.verbose ? 'INFO' : 'WARN',
  log: (m) => {
    if (values.verbose || !m.startsWith('[jvm] ')) log(m);
  },
}).catch((e: unknown) => {
  log(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
process.stdout.write(
  [
    `Flink ${flink.flinkVersion} is running (pid ${flink.pid}, ready in ${(flink.startupMs / 1000).toFixed(1)} s)`,
    `  REST API     ${flink.restUrl}`,
    `  dashboard    ${flink.dashboardUrl ?? '(flink-runtime-web not on the classpath)'}`,
    `  SQL Gateway  ${flink.gatewayUrl}   (e.g. curl ${flink.gatewayUrl}/v2/info)`,
    'Ctrl-C stops it.',
    '',
  ].join('\n'),
);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping Flink…');
  await flink.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
