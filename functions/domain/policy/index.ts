export * from './schema';
export * from './load';
export * from './mode';
export * from './yaml';
export * from './version';
