import { type FlinkGatewayClient, FlinkGatewayError, type ResultColumn, type ResultRow } from './gateway.ts';

/**
 * SQL scripts for the SQL Gateway: split into statements, then run one by one in a session — `SET`/`RESET`
 * configure the session, DDL runs to completion, INSERTs and statement sets submit a job each.
 */

export type StatementKind = 'set' | 'reset' | 'insert' | 'statement-set' | 'query' | 'other';

export interface ScriptStatement {
  /** The statement as written (comments and hints kept), without its closing `;`. */
  text: string;
  kind: StatementKind;
  /** 1-based line of the statement's first character in the script. */
  line: number;
}

/** The words of a statement outside comments, upper-cased: what its kind is decided from. */
function leadingWords(code: string, count: number): string[] {
  return code
    .trim()
    .split(/\s+/)
    .slice(0, count)
    .map((w) => w.toUpperCase());
}

function kindOf(code: string): StatementKind {
  const [a, b, c, d] = leadingWords(code, 4);
  if (a === 'SET') return 'set';
  if (a === 'RESET') return 'reset';
  if (a === 'EXECUTE' && b === 'STATEMENT' && c === 'SET') return 'statement-set';
  if (a === 'EXECUTE' && b === 'INSERT') return 'insert';
  if (a === 'INSERT') return 'insert';
  if (a === 'SELECT' || a === 'WITH' || a === 'VALUES' || (a === 'EXPLAIN' && d !== undefined))
    return 'query';
  return 'other';
}

/**
 * Splits a Flink SQL script at the `;` that end statements. A `;` does not end a statement inside
 * '…' strings ('' escapes a quote), `…` and "…" identifiers, -- line comments, /* block comments *\/
 * (hints `/*+ … *\/` stay in the statement text), or an `EXECUTE STATEMENT SET BEGIN … END` block.
 * The sql-client's `BEGIN STATEMENT SET; … END;` is folded into one `EXECUTE STATEMENT SET` statement.
 * Statements that are only comments or whitespace are dropped.
 */
export function splitStatements(script: string): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  let start = 0; // index where the current statement's text starts
  let code = ''; // the current statement without comments or quoted text (for BEGIN/END and kind)
  let line = 1;
  let startLine = 1;
  let inBlock = false; // inside EXECUTE STATEMENT SET BEGIN … END
  let caseDepth = 0; // CASE … END inside that block: its END is not the block's
  let word = '';

  const endWord = () => {
    if (!word) return;
    const w = word.toUpperCase();
    if (w === 'BEGIN' && !inBlock && /^\s*EXECUTE\s+STATEMENT\s+SET\b/i.test(code)) inBlock = true;
    else if (w === 'CASE' && inBlock) caseDepth++;
    else if (w === 'END' && inBlock) {
      if (caseDepth > 0) caseDepth--;
      else inBlock = false;
    }
    word = '';
  };
  const emit = (end: number) => {
    const text = script.slice(start, end).trim();
    if (code.trim()) {
      // The line of the first non-blank character of the statement.
      const lead = script.slice(start, end).match(/^\s*/)?.[0] ?? '';
      out.push({ text, kind: kindOf(code), line: startLine + (lead.match(/\n/g)?.length ?? 0) });
    }
    code = '';
  };

  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      endWord();
      while (i < script.length && script[i] !== '\n') i++;
      code += ' ';
      continue;
    }
    if (ch === '/' && next === '*') {
      endWord();
      const close = script.indexOf('*/', i + 2);
      const stop = close < 0 ? script.length : close + 2;
      line += script.slice(i, stop).match(/\n/g)?.length ?? 0;
      i = stop;
      code += ' ';
      continue;
    }
    if (ch === "'" || ch === '`' || ch === '"') {
      endWord();
      let j = i + 1;
      while (j < script.length) {
        if (script[j] === ch) {
          if (script[j + 1] === ch)
            j += 2; // doubled quote: an escaped one
          else break;
        } else j++;
      }
      line += script.slice(i, j + 1).match(/\n/g)?.length ?? 0;
      i = j + 1;
      code += ` ${ch}${ch} `;
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(ch)) word += ch;
    else endWord();
    if (ch === ';' && !inBlock) {
      emit(i);
      start = i + 1;
      startLine = line;
    } else {
      code += ch;
    }
    if (ch === '\n') line++;
    i++;
  }
  endWord();
  emit(script.length);
  return foldLegacyStatementSets(out);
}

/** `BEGIN STATEMENT SET;` INSERT…; … `END;` (sql-client syntax) → one `EXECUTE STATEMENT SET BEGIN … END`. */
function foldLegacyStatementSets(statements: ScriptStatement[]): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (!/^BEGIN\s+STATEMENT\s+SET$/i.test(s.text)) {
      out.push(s);
      continue;
    }
    const inserts: string[] = [];
    let j = i + 1;
    for (; j < statements.length && !/^END$/i.test(statements[j]!.text); j++)
      inserts.push(statements[j]!.text);
    if (j >= statements.length) throw new Error(`line ${s.line}: BEGIN STATEMENT SET without END`);
    out.push({
      text: `EXECUTE STATEMENT SET BEGIN\n${inserts.map((t) => `${t};`).join('\n')}\nEND`,
      kind: 'statement-set',
      line: s.line,
    });
    i = j;
  }
  return out;
}

export interface RunScriptOptions {
  /** For the whole script (default 120 s). */
  timeoutMs?: number;
  /** Run in this open session (left open); otherwise a new one is opened and closed at the end. */
  session?: string;
  /** Properties of the session opened for the script (e.g. execution.runtime-mode). */
  sessionProperties?: Record<string, string>;
}

export interface StatementOutcome {
  statement: ScriptStatement;
  jobId?: string;
  columns: ResultColumn[];
  rows: ResultRow[];
}

export interface ScriptResult {
  /** The jobs the script submitted (INSERTs and statement sets, in order); they run on in the cluster. */
  jobIds: string[];
  statements: StatementOutcome[];
}

/** A statement of a script failed: which one, and Flink's reason. */
export class FlinkScriptError extends Error {
  constructor(
    readonly statement: ScriptStatement,
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(
      `statement at line ${statement.line} failed: ${reason}\n  ${statement.text.split('\n').join('\n  ')}`,
    );
    this.name = 'FlinkScriptError';
  }
}

/**
 * Runs a SQL script through the SQL Gateway: `SET`/`RESET` through configure-session, every other statement
 * through executeStatement and its results until the end (DDL completes; an INSERT or statement set answers
 * with the id of the job it submitted, which keeps running — wait for it with `waitForJob`). Stops at the
 * first failing statement with a FlinkScriptError.
 */
export async function runScript(
  client: FlinkGatewayClient,
  sql: string,
  options: RunScriptOptions = {},
): Promise<ScriptResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const statements = splitStatements(sql);
  const session =
    options.session ?? (await client.openSession({ properties: options.sessionProperties ?? {} }));
  const result: ScriptResult = { jobIds: [], statements: [] };
  try {
    for (const statement of statements) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new FlinkScriptError(statement, `script timeout of ${options.timeoutMs ?? 120_000} ms`);
      try {
        if (statement.kind === 'set' || statement.kind === 'reset') {
          await client.configureSession(session, statement.text);
          result.statements.push({ statement, columns: [], rows: [] });
          continue;
        }
        const operation = await client.executeStatement(session, statement.text);
        const out = await client.fetchAllResults(session, operation, { timeoutMs: left });
        await client.closeOperation(session, operation).catch(() => {});
        if (out.jobId && (statement.kind === 'insert' || statement.kind === 'statement-set')) {
          result.jobIds.push(out.jobId);
        }
        result.statements.push({ statement, ...out });
      } catch (e) {
        if (e instanceof FlinkScriptError) throw e;
        const reason =
          e instanceof FlinkGatewayError ? e.rootCause : e instanceof Error ? e.message : String(e);
        throw new FlinkScriptError(statement, reason, e);
      }
    }
  } finally {
    if (!options.session) await client.closeSession(session).catch(() => {});
  }
  return result;
}
