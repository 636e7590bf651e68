/**
 * The catalog and command-spec model as the loaders and the edges know it; it lives in
 * domain/catalog so the domain never imports the config layer.
 */
export * from '../domain/catalog/schema.ts';
