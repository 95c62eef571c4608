/**
 * Sinks → a `CREATE TABLE` (print, blackhole or filesystem connector) and the `INSERT INTO` that fills it. An
 * updating result (a rolling aggregate's rows) is written as a changelog where Flowstate appends each update.
 */
import type { NodeInfo, SinkNode } from '@flowstate/spec';
import { type ExportContext, label, oneLine } from './context';
import { sqlType } from './expr';
import { sourcePath } from './sources';
import { ident, option, resolvePath } from './sql';

const DEFAULT_CHANGELOG_FORMAT = 'debezium-json';

export function writeSink(ctx: ExportContext, info: NodeInfo, node: SinkNode): void {
  const input = ctx.inputRelation(info);
  const schema = input.types;
  const columns = input.columns.map((f) => `${ident(f)} ${sqlType(schema[f]!)}`);
  const withOptions: string[] = [];
  const updating = input.updatingFrom !== null;
  const c = node.connector;
  const changelog = ctx.options.changelogFormat ?? DEFAULT_CHANGELOG_FORMAT;
  let comment = '';
  const filesystem = (path: string, format: 'json' | 'csv'): void => {
    withOptions.push(option('connector', 'filesystem'), option('path', path));
    if (updating) {
      comment = `${comment}, the rows are updates of rolling aggregate '${input.updatingFrom}', and Flink's filesystem sink takes only insert-only rows in plain ${format}, so they are written as a changelog (${changelog})`;
      withOptions.push(option('format', changelog));
      ctx.note(
        node.id,
        `an updating result (rolling aggregate '${input.updatingFrom}') is written in the ${changelog} changelog format (each update as a retraction of the key's previous row and the new row), where Flowstate writes each update as a plain ${format === 'json' ? 'JSON line' : 'CSV row'}`,
      );
    } else {
      withOptions.push(option('format', format));
    }
  };
  switch (c.type) {
    case 'collect': {
      if (ctx.options.collectAs === 'filesystem') {
        const dir = resolvePath(ctx.options.baseDir, ctx.options.collectDir ?? '.');
        if (dir === undefined) {
          ctx.refuse(
            'invalid-option',
            node,
            ctx.path(info, 'connector'),
            `${label(node)}: collectAs "filesystem" needs an absolute collectDir (or a baseDir)`,
          );
          return;
        }
        comment = `collected rows, as JSON lines in ${dir}/${node.id}`;
        filesystem(`${dir.replace(/\/$/, '')}/${node.id}`, 'json');
      } else {
        comment = "collected rows, printed (Flink's print connector)";
        withOptions.push(option('connector', 'print'), option('print-identifier', node.id));
        if (updating) updatesPrinted(ctx, node.id, input.updatingFrom!);
      }
      break;
    }
    case 'console':
      comment = "one line per row on standard output (Flink's print connector)";
      withOptions.push(option('connector', 'print'), option('print-identifier', node.id));
      ctx.note(
        node.id,
        "Flink's print connector writes rows as '<id>> +I[v1, v2]', not as Flowstate's JSON lines",
      );
      if (updating) updatesPrinted(ctx, node.id, input.updatingFrom!);
      break;
    case 'blackhole':
      comment = 'rows are counted and dropped';
      withOptions.push(option('connector', 'blackhole'));
      break;
    case 'file': {
      const path = sourcePath(ctx, info, c.path, ctx.path(info, 'connector', 'path'));
      if (path === undefined) return;
      comment = `${c.format === 'csv' ? 'CSV' : 'JSON lines'} files in ${c.path} (part files become visible when a checkpoint completes, or at the end of input)`;
      if (c.format === 'csv')
        ctx.note(node.id, "Flink's csv format writes no header line; Flowstate's csv files start with one");
      filesystem(path, c.format === 'csv' ? 'csv' : 'json');
      break;
    }
  }
  ctx.statement(
    'sinks',
    `${ctx.takeNotes()}-- ${label(node)}: ${oneLine(comment.replace(/^; /, ''))}\nCREATE TABLE ${ident(node.id)} (\n  ${columns.join(',\n  ')}\n) WITH (\n  ${withOptions.join(',\n  ')}\n);`,
  );
  ctx.statement(
    'inserts',
    `INSERT INTO ${ident(node.id)}\nSELECT ${input.columns.map(ident).join(', ')} FROM ${ident(input.name)};`,
  );
}

function updatesPrinted(ctx: ExportContext, nodeId: string, from: string): void {
  ctx.note(
    nodeId,
    `the rows are updates of rolling aggregate '${from}': Flink prints a key's previous row as -U and the new one as +U, where Flowstate emits each update as a row; the last row per key is the same`,
  );
}
