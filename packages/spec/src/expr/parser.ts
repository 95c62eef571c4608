/**
 * Parser: a hand-written Pratt (precedence-climbing) parser over the tokens of `lexer.ts`. (One file: the
 * grammar reads as a whole, one small parse function per construct; splitting it would scatter the precedence.)
 *
 * Binding power, lowest first (Calcite's order, which is also PostgreSQL's):
 *
 *   1  OR
 *   2  AND
 *   3  NOT                                   (prefix)
 *   4  IS [NOT] NULL | TRUE | FALSE          (postfix)
 *   5  =  <>  !=  <  <=  >  >=               (left-associative)
 *   6  [NOT] LIKE, [NOT] IN (...), [NOT] BETWEEN a AND b
 *   7  ||                                    (left-associative)
 *   8  +  -                                  (left-associative)
 *   9  *  /  %                               (left-associative)
 *  10  unary -  +                            (prefix)
 *
 * so `NOT a = b` is `NOT (a = b)`, `a = b IS NULL` is `(a = b) IS NULL`, `x BETWEEN 1 AND 2 AND y` is
 * `(x BETWEEN 1 AND 2) AND y` and `-a * b` is `(-a) * b`.
 */
import { exprError, ParseFailure, quoteSnippet } from './errors';
import { type Token, tokenize } from './lexer';
import type {
  BinaryOp,
  CallExpr,
  CaseWhen,
  Expr,
  ExprError,
  FieldType,
  LiteralExpr,
  ParseResult,
} from './types';

/** Deepest AST (and deepest parenthesis nesting) accepted; deeper input is reported as TOO_COMPLEX. */
export const MAX_DEPTH = 500;

export const PREC = {
  OR: 1,
  AND: 2,
  NOT: 3,
  IS: 4,
  COMPARISON: 5,
  LIKE_IN_BETWEEN: 6,
  CONCAT: 7,
  ADDITIVE: 8,
  MULTIPLICATIVE: 9,
  UNARY: 10,
  ATOM: 11,
} as const;

const BINARY_PREC: Readonly<Record<string, number>> = {
  '=': PREC.COMPARISON,
  '<>': PREC.COMPARISON,
  '!=': PREC.COMPARISON,
  '<': PREC.COMPARISON,
  '<=': PREC.COMPARISON,
  '>': PREC.COMPARISON,
  '>=': PREC.COMPARISON,
  '||': PREC.CONCAT,
  '+': PREC.ADDITIVE,
  '-': PREC.ADDITIVE,
  '*': PREC.MULTIPLICATIVE,
  '/': PREC.MULTIPLICATIVE,
  '%': PREC.MULTIPLICATIVE,
};

/** Type names accepted by CAST, upper-cased, with the type they convert to. */
export const CAST_TYPES: Readonly<Record<string, FieldType>> = {
  STRING: 'string',
  VARCHAR: 'string',
  CHAR: 'string',
  INT: 'int',
  INTEGER: 'int',
  BIGINT: 'int',
  FLOAT: 'float',
  DOUBLE: 'float',
  DECIMAL: 'float',
  BOOLEAN: 'bool',
  TIMESTAMP: 'timestamp',
  TIMESTAMP_LTZ: 'timestamp',
};

/** Keywords that may follow BOTH / LEADING / TRAILING in TRIM(...), telling the mode word from a field name. */
const TRIM_MODE_FOLLOWERS = new Set(['FROM', 'NULL', 'TRUE', 'FALSE', 'CASE', 'CAST', 'TRY_CAST', 'NOT']);

function describe(tok: Token, text: string): string {
  switch (tok.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `string ${quoteSnippet(text.slice(tok.start, tok.end))}`;
    default:
      return quoteSnippet(text.slice(tok.start, tok.end));
  }
}

class Parser {
  private pos = 0;
  private nesting = 0;
  private readonly depths = new WeakMap<Expr, number>();

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parseAll(): Expr {
    const ast = this.parseExpr(0);
    const tok = this.peek();
    if (tok.kind !== 'eof') this.fail(tok, 'an operator or end of input');
    return ast;
  }

  // ── token helpers ──────────────────────────────────────────────────────────────────────────────────

  private peek(k = 0): Token {
    const i = Math.min(this.pos + k, this.tokens.length - 1);
    return this.tokens[i] as Token;
  }

  private next(): Token {
    const tok = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return tok;
  }

  private fail(tok: Token, expected: string): never {
    if (tok.kind === 'error') {
      throw new ParseFailure(exprError(tok.code ?? 'SYNTAX_ERROR', tok.value, tok.start, tok.end));
    }
    throw new ParseFailure(
      exprError(
        'SYNTAX_ERROR',
        `expected ${expected} but found ${describe(tok, this.text)}`,
        tok.start,
        tok.end,
      ),
    );
  }

  private isKeyword(tok: Token, word: string): boolean {
    return tok.kind === 'keyword' && tok.value === word;
  }

  private isPunct(tok: Token, symbol: string): boolean {
    return tok.kind === 'punct' && tok.value === symbol;
  }

  private expectPunct(symbol: string, expected = `'${symbol}'`): Token {
    const tok = this.peek();
    if (!this.isPunct(tok, symbol)) this.fail(tok, expected);
    return this.next();
  }

  private expectKeyword(word: string, expected = word): Token {
    const tok = this.peek();
    if (!this.isKeyword(tok, word)) this.fail(tok, expected);
    return this.next();
  }

  /** Records a node's depth and rejects trees deeper than MAX_DEPTH (which would exhaust the stack later). */
  private node<T extends Expr>(node: T, children: readonly (Expr | null)[], at: Token | number): T {
    let depth = 0;
    for (const child of children) {
      if (child) depth = Math.max(depth, this.depths.get(child) ?? 1);
    }
    depth += 1;
    if (depth > MAX_DEPTH) {
      const start = typeof at === 'number' ? at : at.start;
      const end = typeof at === 'number' ? at + 1 : at.end;
      throw new ParseFailure(
        exprError(
          'TOO_COMPLEX',
          `expression is nested too deeply (more than ${MAX_DEPTH} levels)`,
          start,
          end,
        ),
      );
    }
    this.depths.set(node, depth);
    return node;
  }

  // ── expressions ────────────────────────────────────────────────────────────────────────────────────

  private parseExpr(minPrec: number): Expr {
    const tok = this.peek();
    if (++this.nesting > MAX_DEPTH) {
      throw new ParseFailure(
        exprError(
          'TOO_COMPLEX',
          `expression is nested too deeply (more than ${MAX_DEPTH} levels)`,
          tok.start,
          tok.end,
        ),
      );
    }
    const left = this.parsePrefix();
    const result = this.parseInfix(left, minPrec);
    this.nesting--;
    return result;
  }

  /** The binding power of `tok` as an infix/postfix operator, or 0 if it is not one. */
  private infixPrec(tok: Token): number {
    if (tok.kind === 'punct') return BINARY_PREC[tok.value] ?? 0;
    if (tok.kind !== 'keyword') return 0;
    switch (tok.value) {
      case 'OR':
        return PREC.OR;
      case 'AND':
        return PREC.AND;
      case 'IS':
        return PREC.IS;
      case 'LIKE':
      case 'IN':
      case 'BETWEEN':
      case 'NOT': // NOT LIKE / NOT IN / NOT BETWEEN
        return PREC.LIKE_IN_BETWEEN;
      default:
        return 0;
    }
  }

  private parseInfix(left: Expr, minPrec: number): Expr {
    for (;;) {
      const tok = this.peek();
      const prec = this.infixPrec(tok);
      if (prec === 0 || prec <= minPrec) return left;
      this.next();
      if (tok.kind === 'punct') {
        const right = this.parseExpr(prec);
        const op = (tok.value === '!=' ? '<>' : tok.value) as BinaryOp;
        left = this.node(
          {
            kind: 'binary',
            op,
            left,
            right,
            opStart: tok.start,
            opEnd: tok.end,
            start: left.start,
            end: right.end,
          },
          [left, right],
          tok,
        );
        continue;
      }
      switch (tok.value) {
        case 'OR':
        case 'AND': {
          const right = this.parseExpr(prec);
          left = this.node(
            {
              kind: 'binary',
              op: tok.value,
              left,
              right,
              opStart: tok.start,
              opEnd: tok.end,
              start: left.start,
              end: right.end,
            },
            [left, right],
            tok,
          );
          break;
        }
        case 'IS': {
          let negated = false;
          if (this.isKeyword(this.peek(), 'NOT')) {
            this.next();
            negated = true;
          }
          const what = this.peek();
          if (
            what.kind !== 'keyword' ||
            (what.value !== 'NULL' && what.value !== 'TRUE' && what.value !== 'FALSE')
          ) {
            this.fail(what, negated ? 'NULL, TRUE or FALSE' : 'NOT, NULL, TRUE or FALSE');
          }
          this.next();
          left = this.node(
            {
              kind: 'is',
              operand: left,
              test: what.value as 'NULL' | 'TRUE' | 'FALSE',
              negated,
              start: left.start,
              end: what.end,
            },
            [left],
            tok,
          );
          break;
        }
        default: {
          // [NOT] LIKE | IN | BETWEEN
          let op = tok;
          const negated = tok.value === 'NOT';
          if (negated) {
            op = this.peek();
            if (
              !(op.kind === 'keyword' && (op.value === 'LIKE' || op.value === 'IN' || op.value === 'BETWEEN'))
            ) {
              this.fail(op, 'LIKE, IN or BETWEEN after NOT');
            }
            this.next();
          }
          left = this.parsePredicate(left, op, negated);
        }
      }
    }
  }

  private parsePredicate(left: Expr, op: Token, negated: boolean): Expr {
    const prec = PREC.LIKE_IN_BETWEEN;
    if (op.value === 'LIKE') {
      const pattern = this.parseExpr(prec);
      let escapeExpr: Expr | null = null;
      if (this.isKeyword(this.peek(), 'ESCAPE')) {
        this.next();
        escapeExpr = this.parseExpr(prec);
      }
      const end = (escapeExpr ?? pattern).end;
      return this.node(
        { kind: 'like', operand: left, pattern, escape: escapeExpr, negated, start: left.start, end },
        [left, pattern, escapeExpr],
        op,
      );
    }
    if (op.value === 'BETWEEN') {
      const low = this.parseExpr(prec);
      this.expectKeyword('AND', 'AND (as in x BETWEEN low AND high)');
      const high = this.parseExpr(prec);
      return this.node(
        { kind: 'between', operand: left, low, high, negated, start: left.start, end: high.end },
        [left, low, high],
        op,
      );
    }
    // IN (a, b, ...)
    this.expectPunct('(', "'(' (as in x IN (1, 2))");
    const list: Expr[] = [this.parseExpr(0)];
    while (this.isPunct(this.peek(), ',')) {
      this.next();
      list.push(this.parseExpr(0));
    }
    const close = this.expectPunct(')', "',' or ')'");
    return this.node(
      { kind: 'in', operand: left, list, negated, start: left.start, end: close.end },
      [left, ...list],
      op,
    );
  }

  /** A field name, or a join's qualified one (`l.price`, `` r.`my field` ``): `tok` was the first name. */
  private fieldRef(tok: Token): Expr {
    if (!this.isPunct(this.peek(), '.')) {
      return this.node({ kind: 'field', name: tok.value, start: tok.start, end: tok.end }, [], tok);
    }
    this.next(); // '.'
    const after = this.peek();
    if (after.kind !== 'ident' && after.kind !== 'quoted') {
      this.fail(after, `a field name after '${tok.value}.' (a join's fields are written l.name or r.name)`);
    }
    this.next();
    return this.node(
      { kind: 'field', name: after.value, qualifier: tok.value, start: tok.start, end: after.end },
      [],
      tok,
    );
  }

  private parsePrefix(): Expr {
    const tok = this.peek();
    switch (tok.kind) {
      case 'int':
      case 'float':
        this.next();
        return this.literal(tok.kind, tok.num, tok);
      case 'string':
        this.next();
        return this.literal('string', tok.value, tok);
      case 'quoted':
        this.next();
        return this.fieldRef(tok);
      case 'ident':
        this.next();
        if (this.isPunct(this.peek(), '(')) return this.parseCall(tok);
        return this.fieldRef(tok);
      case 'keyword':
        switch (tok.value) {
          case 'NULL':
            this.next();
            return this.literal('null', null, tok);
          case 'TRUE':
          case 'FALSE':
            this.next();
            return this.literal('bool', tok.value === 'TRUE', tok);
          case 'NOT': {
            this.next();
            const operand = this.parseExpr(PREC.NOT);
            return this.node(
              { kind: 'unary', op: 'NOT', operand, start: tok.start, end: operand.end },
              [operand],
              tok,
            );
          }
          case 'CASE':
            return this.parseCase();
          case 'CAST':
          case 'TRY_CAST':
            return this.parseCast();
          default:
            return this.fail(tok, 'an expression');
        }
      case 'punct':
        if (tok.value === '(') {
          this.next();
          const inner = this.parseExpr(0);
          this.expectPunct(')');
          return inner;
        }
        if (tok.value === '-' || tok.value === '+') {
          this.next();
          const operand = this.parseExpr(PREC.UNARY);
          return this.node(
            { kind: 'unary', op: tok.value, operand, start: tok.start, end: operand.end },
            [operand],
            tok,
          );
        }
        return this.fail(tok, 'an expression');
      default:
        return this.fail(tok, 'an expression');
    }
  }

  private literal(
    literalType: LiteralExpr['literalType'],
    value: LiteralExpr['value'],
    tok: Token,
  ): LiteralExpr {
    return this.node({ kind: 'literal', literalType, value, start: tok.start, end: tok.end }, [], tok);
  }

  private parseCase(): Expr {
    const caseTok = this.next();
    let subject: Expr | null = null;
    const first = this.peek();
    if (
      first.kind === 'keyword' &&
      (first.value === 'END' || first.value === 'ELSE' || first.value === 'THEN')
    ) {
      this.fail(first, 'WHEN');
    }
    if (!this.isKeyword(first, 'WHEN')) subject = this.parseExpr(0);
    const whens: CaseWhen[] = [];
    const children: Expr[] = subject ? [subject] : [];
    while (this.isKeyword(this.peek(), 'WHEN')) {
      this.next();
      const when = this.parseExpr(0);
      this.expectKeyword('THEN');
      const then = this.parseExpr(0);
      whens.push({ when, then });
      children.push(when, then);
    }
    if (whens.length === 0) this.fail(this.peek(), 'WHEN');
    let elseExpr: Expr | null = null;
    if (this.isKeyword(this.peek(), 'ELSE')) {
      this.next();
      elseExpr = this.parseExpr(0);
      children.push(elseExpr);
    }
    const end = this.expectKeyword('END', elseExpr ? 'END' : 'WHEN, ELSE or END');
    return this.node(
      { kind: 'case', subject, whens, elseExpr, start: caseTok.start, end: end.end },
      children,
      caseTok,
    );
  }

  private parseCast(): Expr {
    const castTok = this.next();
    this.expectPunct('(');
    const operand = this.parseExpr(0);
    this.expectKeyword('AS', `AS (as in ${castTok.value}(x AS INT))`);
    const typeTok = this.peek();
    if (typeTok.kind !== 'ident') this.fail(typeTok, 'a type name');
    this.next();
    const upper = typeTok.value.toUpperCase();
    const target = CAST_TYPES[upper];
    if (target === undefined) {
      throw new ParseFailure(
        exprError(
          'UNKNOWN_TYPE',
          `unknown type ${quoteSnippet(typeTok.value)} (expected one of ${Object.keys(CAST_TYPES).join(', ')})`,
          typeTok.start,
          typeTok.end,
        ),
      );
    }
    let typeName = upper;
    const paren = this.peek();
    if (this.isPunct(paren, '(')) {
      if (target === 'timestamp') {
        this.next();
        const p = this.peek();
        if (p.kind !== 'int') this.fail(p, 'a precision (3)');
        if (p.num !== 3) {
          throw new ParseFailure(
            exprError(
              'UNSUPPORTED',
              `${upper}(${p.value}) is not supported: timestamps have millisecond precision, write ${upper}(3) or ${upper}`,
              p.start,
              p.end,
            ),
          );
        }
        this.next();
        this.expectPunct(')');
        typeName = `${upper}(3)`;
      } else {
        const why =
          target === 'string'
            ? `${upper}(n) is not supported: strings have no length limit here, write ${upper} or STRING`
            : target === 'float'
              ? `${upper}(p, s) is not supported: ${upper} is a 64-bit float here, write ${upper} or DOUBLE`
              : `type ${upper} takes no parameters`;
        throw new ParseFailure(exprError('UNSUPPORTED', why, paren.start, paren.end));
      }
    }
    const close = this.expectPunct(')');
    return this.node(
      {
        kind: 'cast',
        operand,
        target,
        typeName,
        safe: castTok.value === 'TRY_CAST',
        start: castTok.start,
        end: close.end,
      },
      [operand],
      castTok,
    );
  }

  private parseCall(nameTok: Token): Expr {
    const name = nameTok.value.toUpperCase();
    this.next(); // '('
    if (name === 'TRIM') {
      const special = this.parseTrimMode(nameTok);
      if (special) return special;
    }
    let star = false;
    let distinct = false;
    const args: Expr[] = [];
    const first = this.peek();
    if (this.isPunct(first, ')')) {
      // no arguments
    } else if (this.isPunct(first, '*') && name === 'COUNT') {
      this.next();
      star = true;
    } else {
      if (this.isKeyword(first, 'DISTINCT')) {
        this.next();
        distinct = true;
      }
      if (name === 'POSITION') {
        // POSITION(needle IN haystack): the needle binds tighter than IN
        const needle = this.parseExpr(PREC.LIKE_IN_BETWEEN);
        if (this.isKeyword(this.peek(), 'IN')) {
          this.next();
          args.push(needle, this.parseExpr(0));
        } else {
          args.push(this.parseInfix(needle, 0));
        }
      } else {
        args.push(this.parseExpr(0));
      }
      const firstArg = args[0];
      if (
        name === 'TRIM' &&
        !distinct &&
        firstArg &&
        args.length === 1 &&
        this.isKeyword(this.peek(), 'FROM')
      ) {
        // TRIM(chars FROM s)
        this.next();
        return this.finishTrim(nameTok, 'TRIM', firstArg);
      }
      if (
        (name === 'SUBSTRING' || name === 'SUBSTR') &&
        args.length === 1 &&
        this.isKeyword(this.peek(), 'FROM')
      ) {
        // SUBSTRING(s FROM start [FOR length])
        this.next();
        args.push(this.parseExpr(0));
        if (this.isKeyword(this.peek(), 'FOR')) {
          this.next();
          args.push(this.parseExpr(0));
        }
      } else {
        while (this.isPunct(this.peek(), ',')) {
          this.next();
          args.push(this.parseExpr(0));
        }
      }
    }
    const close = this.expectPunct(')', args.length > 0 ? "',' or ')'" : "an expression or ')'");
    const call: CallExpr = {
      kind: 'call',
      name,
      nameEnd: nameTok.end,
      args,
      star,
      distinct,
      start: nameTok.start,
      end: close.end,
    };
    return this.node(call, args, nameTok);
  }

  /**
   * TRIM(BOTH | LEADING | TRAILING [chars] FROM s) → TRIM / LTRIM / RTRIM(s[, chars]). Returns null, having
   * consumed nothing, when the first argument does not start with one of those words.
   */
  private parseTrimMode(nameTok: Token): Expr | null {
    const first = this.peek();
    if (first.kind !== 'ident') return null;
    const mode = first.value.toUpperCase();
    if (mode !== 'BOTH' && mode !== 'LEADING' && mode !== 'TRAILING') return null;
    const after = this.peek(1);
    const startsOperand =
      after.kind === 'string' ||
      after.kind === 'int' ||
      after.kind === 'float' ||
      after.kind === 'ident' ||
      after.kind === 'quoted' ||
      this.isPunct(after, '(') ||
      (after.kind === 'keyword' && TRIM_MODE_FOLLOWERS.has(after.value));
    if (!startsOperand) return null; // a field named `both`, say
    this.next();
    const name = mode === 'BOTH' ? 'TRIM' : mode === 'LEADING' ? 'LTRIM' : 'RTRIM';
    let chars: Expr | null = null;
    if (this.isKeyword(this.peek(), 'FROM')) {
      this.next();
    } else {
      chars = this.parseExpr(0);
      this.expectKeyword('FROM');
    }
    return this.finishTrim(nameTok, name, chars);
  }

  /** Parses `s )` after `TRIM(... FROM`. */
  private finishTrim(nameTok: Token, name: string, chars: Expr | null): Expr {
    const s = this.parseExpr(0);
    const close = this.expectPunct(')');
    const args = chars ? [s, chars] : [s];
    return this.node(
      {
        kind: 'call',
        name,
        nameEnd: nameTok.end,
        args,
        star: false,
        distinct: false,
        start: nameTok.start,
        end: close.end,
      },
      args,
      nameTok,
    );
  }
}

/** Parses an expression. Never throws: malformed input gives `{ ok: false, errors }` with one positioned error. */
export function parseExpression(text: string): ParseResult {
  try {
    const parser = new Parser(text, tokenize(text));
    return { ok: true, ast: parser.parseAll() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, errors: [e.error] };
    if (e instanceof RangeError) {
      // A stack overflow that slipped past MAX_DEPTH: report rather than crash.
      const error: ExprError = {
        code: 'TOO_COMPLEX',
        message: 'expression is too complex to parse at column 1',
        column: 1,
        start: 0,
        end: text.length,
      };
      return { ok: false, errors: [error] };
    }
    throw e;
  }
}
