/** @flowstate/spec — the job spec contract: schema, validation, analysis and the expression language. */

export * from './analysis';
export * from './bounds';
export * from './expr/index';
export * from './job';
export * from './json-error';
export * from './nexmark';
export * from './prng';
export * from './restore-compatibility';
export * from './schema';
export * from './validate';
