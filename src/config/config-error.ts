/** Config errors (`{ file, path, message }`) as the loaders report them; see domain/catalog. */
export * from '../domain/catalog/config-error.ts';
