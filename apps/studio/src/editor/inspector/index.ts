/**
 * Inspector form models: what the form of each node kind (and of the job's settings) shows, as data, and
 * how the forms read and write the spec — split by concern: the form model, node forms, connectors and a
 * source's schema and generators, windows / aggregates / keys, expressions, the job's settings, records.
 */
export * from './connectors';
export * from './expressions';
export * from './form-model';
export * from './generators';
export * from './job-form';
export * from './joins';
export * from './node-form';
export * from './problems';
export * from './records';
export * from './schema-editing';
export * from './windows';
