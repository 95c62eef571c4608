import type { Row } from './elements';

type Fn<I> = (input: I, aux: number) => unknown;

/**
 * A function building a row with fields `names[j] = fns[j](input, aux)`. Unrolled for up to 8 fields so
 * that each property store is its own (monomorphic) site: one `o[names[j]] = …` in a loop sees every
 * field's map transition, goes megamorphic, and costs several times the allocation itself.
 */
export function rowBuilder<I>(
  names: readonly string[],
  fns: readonly Fn<I>[],
): (input: I, aux: number) => Row {
  const [n0, n1, n2, n3, n4, n5, n6, n7] = names as string[];
  const [f0, f1, f2, f3, f4, f5, f6, f7] = fns as Fn<I>[];
  switch (names.length) {
    case 1:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        return o;
      };
    case 2:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        return o;
      };
    case 3:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        o[n2!] = f2!(x, y);
        return o;
      };
    case 4:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        o[n2!] = f2!(x, y);
        o[n3!] = f3!(x, y);
        return o;
      };
    case 5:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        o[n2!] = f2!(x, y);
        o[n3!] = f3!(x, y);
        o[n4!] = f4!(x, y);
        return o;
      };
    case 6:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        o[n2!] = f2!(x, y);
        o[n3!] = f3!(x, y);
        o[n4!] = f4!(x, y);
        o[n5!] = f5!(x, y);
        return o;
      };
    case 7:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        o[n2!] = f2!(x, y);
        o[n3!] = f3!(x, y);
        o[n4!] = f4!(x, y);
        o[n5!] = f5!(x, y);
        o[n6!] = f6!(x, y);
        return o;
      };
    case 8:
      return (x, y) => {
        const o: Row = {};
        o[n0!] = f0!(x, y);
        o[n1!] = f1!(x, y);
        o[n2!] = f2!(x, y);
        o[n3!] = f3!(x, y);
        o[n4!] = f4!(x, y);
        o[n5!] = f5!(x, y);
        o[n6!] = f6!(x, y);
        o[n7!] = f7!(x, y);
        return o;
      };
    default:
      return (x, y) => {
        const o: Row = {};
        for (let j = 0; j < names.length; j++) o[names[j]!] = fns[j]!(x, y);
        return o;
      };
  }
}
