import type { Expr } from './types';

/** The direct sub-expressions of a node, in text order. */
export function children(node: Expr): Expr[] {
  switch (node.kind) {
    case 'literal':
    case 'field':
      return [];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'is':
      return [node.operand];
    case 'like':
      return node.escape ? [node.operand, node.pattern, node.escape] : [node.operand, node.pattern];
    case 'in':
      return [node.operand, ...node.list];
    case 'between':
      return [node.operand, node.low, node.high];
    case 'case': {
      const out: Expr[] = node.subject ? [node.subject] : [];
      for (const w of node.whens) out.push(w.when, w.then);
      if (node.elseExpr) out.push(node.elseExpr);
      return out;
    }
    case 'cast':
      return [node.operand];
    case 'call':
      return node.args;
  }
}

/** The field names an expression reads, each once, in order of first appearance in the text. */
export function referencedFields(ast: Expr): string[] {
  const seen = new Set<string>();
  const visit = (node: Expr): void => {
    if (node.kind === 'field') seen.add(node.name);
    else for (const child of children(node)) visit(child);
  };
  visit(ast);
  return [...seen];
}

/** True when `node` or a sub-expression satisfies `test`. */
export function someNode(node: Expr, test: (n: Expr) => boolean): boolean {
  if (test(node)) return true;
  for (const child of children(node)) if (someNode(child, test)) return true;
  return false;
}
