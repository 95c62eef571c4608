import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/flink-local/java: the Maven project of the launcher. */
export const JAVA_PROJECT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'java');
const TARGET = join(JAVA_PROJECT_DIR, 'target');
const LAUNCHER_JAR = join(TARGET, 'flowstate-flink-local.jar');
const CLASSPATH_FILE = join(TARGET, 'classpath.txt');
export const LAUNCHER_MAIN_CLASS = 'dev.flowstate.flink.FlinkLocal';

export type Log = (message: string) => void;

/** What `startLocalFlink` needs to spawn the JVM. */
export interface FlinkLauncher {
  java: string;
  javaVersion: number;
  /** The launcher jar followed by every runtime jar (in the Maven repository, ~/.m2). */
  classpath: string;
}

export type EnsureFlinkResult =
  | { ok: true; launcher: FlinkLauncher; built: boolean; buildMs: number }
  /** `reason` starts with "skipped: " and says what is missing and how to get it. */
  | { ok: false; reason: string };

interface Tool {
  ok: boolean;
  output: string;
}

function probe(cmd: string, args: string[]): Tool {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, output: String(r.error.message) };
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** `java` of JAVA_HOME when set, else the one on PATH. */
function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
}

/** The feature release of `java -version` ("17.0.15" → 17, "1.8.0_402" → 8), or null. */
export function parseJavaMajor(versionOutput: string): number | null {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return null;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

function javaMajor(): number | null {
  const r = probe(javaCommand(), ['-version']);
  return r.ok ? parseJavaMajor(r.output) : null;
}

/**
 * Java 17+ and (unless the launcher is already built) Maven on this machine; installs Debian's `openjdk-17-jdk-headless maven` with apt-get
 * when one is missing and we are root on Debian (as scripts/bootstrap.mjs does for Chromium).
 * Returns null when both are there, else the reason they are not.
 */
function ensureToolchain(log: Log, needMaven: boolean): string | null {
  const missing = (): string[] => {
    const m: string[] = [];
    const major = javaMajor();
    if (major === null || major < 17) m.push(major === null ? 'java' : `java 17+ (found ${major})`);
    if (needMaven && !probe('mvn', ['-v']).ok) m.push('mvn');
    return m;
  };
  let lacking = missing();
  if (lacking.length === 0) return null;
  const what = lacking.join(' and ');
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/etc/debian_version')) {
    return `skipped: ${what} not found and this is not Debian (install a JDK 17+ and Maven 3.8+, or set JAVA_HOME)`;
  }
  if (process.getuid?.() !== 0) {
    return `skipped: ${what} not found; installing needs root: sudo apt-get install -y openjdk-17-jdk-headless maven`;
  }
  log(`${what} not found: installing openjdk-17-jdk-headless and maven with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['-q', 'update'],
    ['-q', 'install', '-y', 'openjdk-17-jdk-headless', 'maven'],
  ]) {
    const r = spawnSync('/usr/bin/apt-get', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env,
    });
    if (r.status !== 0) {
      return `skipped: apt-get ${args.join(' ')} failed: ${tail(`${r.stdout}${r.stderr}`, 5)}`;
    }
  }
  lacking = missing();
  return lacking.length === 0 ? null : `skipped: apt-get ran, but ${lacking.join(' and ')} still missing`;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Whether target/ holds a launcher newer than pom.xml and src/, and every jar of its classpath exists. */
export function launcherIsFresh(): boolean {
  if (!existsSync(LAUNCHER_JAR) || !existsSync(CLASSPATH_FILE)) return false;
  const built = Math.min(statSync(LAUNCHER_JAR).mtimeMs, statSync(CLASSPATH_FILE).mtimeMs);
  const sources = Math.max(
    statSync(join(JAVA_PROJECT_DIR, 'pom.xml')).mtimeMs,
    newestMtime(join(JAVA_PROJECT_DIR, 'src')),
  );
  if (built < sources) return false;
  // ~/.m2 may have been emptied since the build.
  return readClasspathFile().every((jar) => existsSync(jar));
}

function readClasspathFile(): string[] {
  return readFileSync(CLASSPATH_FILE, 'utf8')
    .trim()
    .split(':')
    .filter((p) => p.length > 0);
}

function tail(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * `mvn package` of the launcher: offline first (every artifact already in ~/.m2: no network at all),
 * then online from Maven Central when something is missing (a fresh machine, ~300 MB once).
 */
function buildLauncher(log: Log): string | null {
  const run = (offline: boolean) =>
    spawnSync('mvn', ['-B', '-q', ...(offline ? ['-o'] : []), 'package'], {
      cwd: JAVA_PROJECT_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  let r = run(true);
  if (r.status !== 0) {
    log('offline Maven build could not resolve everything from ~/.m2: building online (Maven Central)…');
    r = run(false);
  }
  if (r.status === 0) {
    // Maven leaves an unchanged jar or classpath file untouched: mark both as built now.
    const now = new Date();
    for (const f of [LAUNCHER_JAR, CLASSPATH_FILE]) utimesSync(f, now, now);
    return null;
  }
  return `Maven build of ${JAVA_PROJECT_DIR} failed (exit ${r.status}):\n${tail(`${r.stdout}${r.stderr}`, 30)}`;
}

/**
 * Makes the local Flink launcher runnable: Java 17+ and Maven (installed with apt-get as root on Debian when
 * missing), then `mvn package` when target/ is missing or older than pom.xml or the Java sources.
 * A missing toolchain is not an error: `{ ok: false, reason: 'skipped: …' }`. A failing build throws.
 */
export function ensureFlinkBuilt(options: { log?: Log } = {}): EnsureFlinkResult {
  const log = options.log ?? (() => {});
  const fresh = launcherIsFresh();
  const problem = ensureToolchain(log, !fresh);
  if (problem) return { ok: false, reason: problem };
  const javaVersion = javaMajor() ?? 0;
  let built = false;
  const t0 = performance.now();
  if (!fresh) {
    log('building the local Flink launcher (mvn package)…');
    const failure = buildLauncher(log);
    if (failure) throw new Error(failure);
    built = true;
  }
  const buildMs = Math.round(performance.now() - t0);
  if (built) log(`launcher built in ${(buildMs / 1000).toFixed(1)} s`);
  return {
    ok: true,
    built,
    buildMs,
    launcher: {
      java: javaCommand(),
      javaVersion,
      classpath: [LAUNCHER_JAR, ...readClasspathFile()].join(':'),
    },
  };
}
