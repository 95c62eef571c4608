/**
 * Specialised closures for the binary operators, one per operator and operand shape, so that the common
 * cases (`price * 2`, `a + b`, `qty > 10`, `name = 'x'`) run as a single small closure with the operator
 * written inline: no calls through operand closures, no allocation, no lookups beyond the row property.
 *
 * Shapes: FF field op field, FC field op constant, CF constant op field, XC expression op constant,
 * XX expression op expression. Every closure applies the strict NULL rule: the left operand is evaluated
 * first; a NULL operand gives NULL. (A constant operand is never NULL here: the compiler folds those.)
 * Comparisons are written on numbers for TypeScript; at run time they compare strings and bools alike.
 *
 * The functions below follow one pattern; when changing one, change all. (Its length is that pattern repeated
 * per operator and shape, on purpose: each closure must be monomorphic.)
 */
import { intAdd, intDiv, intMod, intMul, intSub } from './runtime';

export type Row = Readonly<Record<string, unknown>>;
export type Fn = (row: Row) => unknown;

/** A compiled operand: its closure, and what is known about it at compile time. */
export interface Operand {
  fn: Fn;
  /** The value is a compile-time constant (`value`). */
  isConst: boolean;
  value: unknown;
  /** The operand is a plain read of this field (and the name is safe to read directly). */
  field: string | null;
}

/** `+` (int) */
function buildIntAdd(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : intAdd(a as number, b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : intAdd(a as number, c);
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : intAdd(c, b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : intAdd(a as number, c);
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : intAdd(a as number, b as number);
  };
}

/** `-` (int) */
function buildIntSub(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : intSub(a as number, b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : intSub(a as number, c);
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : intSub(c, b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : intSub(a as number, c);
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : intSub(a as number, b as number);
  };
}

/** `*` (int) */
function buildIntMul(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : intMul(a as number, b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : intMul(a as number, c);
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : intMul(c, b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : intMul(a as number, c);
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : intMul(a as number, b as number);
  };
}

/** `/` (int) */
function buildIntDivide(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : intDiv(a as number, b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : intDiv(a as number, c);
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : intDiv(c, b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : intDiv(a as number, c);
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : intDiv(a as number, b as number);
  };
}

/** `%` (int) */
function buildIntRemainder(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : intMod(a as number, b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : intMod(a as number, c);
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : intMod(c, b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : intMod(a as number, c);
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : intMod(a as number, b as number);
  };
}

/** `+` (float) */
function buildFloatAdd(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) + (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) + c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c + (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) + c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) + (b as number);
  };
}

/** `-` (float) */
function buildFloatSub(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) - (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) - c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c - (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) - c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) - (b as number);
  };
}

/** `*` (float) */
function buildFloatMul(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) * (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) * c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c * (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) * c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) * (b as number);
  };
}

/** `/` (float) */
function buildFloatDivide(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) / (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) / c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c / (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) / c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) / (b as number);
  };
}

/** `%` (float) */
function buildFloatRemainder(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) % (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) % c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c % (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) % c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) % (b as number);
  };
}

/** `=` (any comparable type) */
function buildEq(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) === (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) === c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c === (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) === c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) === (b as number);
  };
}

/** `<>` (any comparable type) */
function buildNe(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) !== (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) !== c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c !== (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) !== c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) !== (b as number);
  };
}

/** `<` (any comparable type) */
function buildLt(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) < (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) < c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c < (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) < c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) < (b as number);
  };
}

/** `<=` (any comparable type) */
function buildLe(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) <= (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) <= c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c <= (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) <= c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) <= (b as number);
  };
}

/** `>` (any comparable type) */
function buildGt(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) > (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) > c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c > (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) > c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) > (b as number);
  };
}

/** `>=` (any comparable type) */
function buildGe(l: Operand, r: Operand): Fn {
  const lf = l.field;
  const rf = r.field;
  if (lf !== null && rf !== null) {
    return (row) => {
      const a = row[lf];
      if (a == null) return null;
      const b = row[rf];
      return b == null ? null : (a as number) >= (b as number);
    };
  }
  if (lf !== null && r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = row[lf];
      return a == null ? null : (a as number) >= c;
    };
  }
  if (l.isConst && rf !== null) {
    const c = l.value as number;
    return (row) => {
      const b = row[rf];
      return b == null ? null : c >= (b as number);
    };
  }
  const lfn = l.fn;
  if (r.isConst) {
    const c = r.value as number;
    return (row) => {
      const a = lfn(row);
      return a === null ? null : (a as number) >= c;
    };
  }
  const rfn = r.fn;
  return (row) => {
    const a = lfn(row);
    if (a === null) return null;
    const b = rfn(row);
    return b === null ? null : (a as number) >= (b as number);
  };
}

/** The specialised closure builders, by `kind op` (kind: int, float or cmp). */
export const BINARY_BUILDERS: Readonly<Record<string, (l: Operand, r: Operand) => Fn>> = {
  'int+': buildIntAdd,
  'int-': buildIntSub,
  'int*': buildIntMul,
  'int/': buildIntDivide,
  'int%': buildIntRemainder,
  'float+': buildFloatAdd,
  'float-': buildFloatSub,
  'float*': buildFloatMul,
  'float/': buildFloatDivide,
  'float%': buildFloatRemainder,
  'cmp=': buildEq,
  'cmp<>': buildNe,
  'cmp<': buildLt,
  'cmp<=': buildLe,
  'cmp>': buildGt,
  'cmp>=': buildGe,
};
