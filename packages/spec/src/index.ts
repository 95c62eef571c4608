/** @flowstate/spec — the job spec contract: schema, validation, analysis and the expression language. */
export * from './schema';
export * from './nexmark';
export * from './expr/index';
export * from './validate';
