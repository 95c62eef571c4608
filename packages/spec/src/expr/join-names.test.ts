import { describe, expect, it } from 'vitest';
import { checkExpression } from './checker';
import { compileExpression } from './compile';
import { evaluate } from './evaluate';
import { formatExpr } from './format';
import { parseExpression } from './parser';

const join = {
  left: { id: 'int', name: 'string', price: 'int' },
  right: { id: 'int', city: 'string', price: 'float' },
  extra: { window_start: 'timestamp' },
} as const;

function check(text: string) {
  return checkExpression(text, {}, { join });
}

describe("a join's qualified names (l.x, r.x)", () => {
  it('resolves written and unqualified names to the merged row’s keys, and compiles against it', () => {
    const r = check("l.name || ' in ' || city");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.expr.fields).toEqual(['l.name', 'r.city']);
    const row = { 'l.name': 'ann', 'r.city': 'Oslo' };
    expect(compileExpression(r.expr)(row)).toBe('ann in Oslo');
    expect(evaluate(r.expr.ast, row)).toBe('ann in Oslo');
    expect(formatExpr(r.expr.ast)).toBe("l.`name` || ' in ' || r.city"); // NAME is reserved in Flink SQL
  });

  it('types each side on its own schema; extra fields by their own name', () => {
    const r = check('l.price + r.price > 10 AND window_start > 0');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.expr.fields).toEqual(['l.price', 'r.price', 'window_start']);
    expect(compileExpression(r.expr)({ 'l.price': 3, 'r.price': 7.5, window_start: 1 })).toBe(true);
  });

  it('refuses a name on both sides unqualified, an unknown side, and an unknown field of a side', () => {
    const a = check('price > 1');
    expect(a.ok ? [] : a.errors.map((e) => [e.code, e.message])).toEqual([
      [
        'AMBIGUOUS_FIELD',
        "'price' is a field of both inputs: write l.price (left) or r.price (right) at column 1",
      ],
    ]);
    const b = check('x.id = 1');
    expect(b.ok ? [] : b.errors.map((e) => [e.code, e.message])).toEqual([
      [
        'QUALIFIED_NAME',
        "unknown input 'x' in 'x.id': a join's fields are written l.id (left) or r.id (right) at column 1",
      ],
    ]);
    const c = check('r.name');
    expect(c.ok ? [] : c.errors.map((e) => [e.code, e.message])).toEqual([
      ['UNKNOWN_FIELD', "the right input has no field 'name' (it has: id, city, price) at column 1"],
    ]);
  });

  it('outside a join, a qualified name is refused with how to write an odd field name', () => {
    const r = checkExpression('t.x > 1', { 't.x': 'int' });
    expect(r.ok ? [] : r.errors.map((e) => [e.code, e.message])).toEqual([
      [
        'QUALIFIED_NAME',
        "'t.x': qualified names are for a join's fields (l.name, r.name); quote an odd field name instead: `t.x` at column 1",
      ],
    ]);
    expect(checkExpression('`t.x` > 1', { 't.x': 'int' }).ok).toBe(true);
  });

  it('parses backquoted names after the qualifier; a missing name is a syntax error', () => {
    const p = parseExpression('r.`my city`');
    expect(p.ok && p.ast).toMatchObject({ kind: 'field', qualifier: 'r', name: 'my city' });
    const bad = parseExpression('l. + 1');
    expect(bad.ok ? '' : bad.errors[0]!.message).toBe(
      "expected a field name after 'l.' (a join's fields are written l.name or r.name) but found '+' at column 4",
    );
  });
});
